// `node hold-write-lock.mjs <file url> <ms>`: takes the database's write lock (node:sqlite, a
// plain SQLite connection, as another process would), says so over IPC, holds it for <ms>,
// commits and exits. For busy.test.ts.
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";

const [url, ms] = process.argv.slice(2);
const db = new DatabaseSync(fileURLToPath(url));
db.exec("BEGIN IMMEDIATE");
db.exec("INSERT INTO t (v) VALUES ('other')");
process.send("locked");
setTimeout(() => {
  db.exec("COMMIT");
  db.close();
  process.exit(0);
}, Number(ms));
