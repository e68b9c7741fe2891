// The domain import rule (biome.json overrides, `noRestrictedImports`) really fails `pnpm lint`:
// a slice importing another domain's internals is an error, the same import through that
// domain's index.ts is fine, and lib/ may import no domain at all.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "..");
const biome = join(root, "node_modules", ".bin", "biome");

function lint(relPath, source) {
  const file = join(root, relPath);
  writeFileSync(file, source);
  try {
    const r = spawnSync(biome, ["lint", "--colors=off", relPath], { cwd: root, encoding: "utf8" });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(file, { force: true });
  }
}

test("a plans slice importing an accounts service directly fails the lint", () => {
  const r = lint(
    "apps/api/src/domains/plans/plans/zz-lint-probe.ts",
    'import { toOrganization } from "../../accounts/auth/auth.service.js";\nexport const probe = toOrganization;\n',
  );
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /noRestrictedImports/);
});

test("the same domain reached through its index.ts passes", () => {
  const r = lint(
    "apps/api/src/domains/plans/plans/zz-lint-probe.ts",
    'import { accountsDomain } from "../../accounts/index.js";\nexport const probe = accountsDomain;\n',
  );
  assert.equal(r.status, 0, r.out);
});

test("lib/ importing a domain fails the lint", () => {
  const r = lint(
    "apps/api/src/lib/zz-lint-probe.ts",
    'import { plansDomain } from "../domains/plans/index.js";\nexport const probe = plansDomain;\n',
  );
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /noRestrictedImports/);
});
