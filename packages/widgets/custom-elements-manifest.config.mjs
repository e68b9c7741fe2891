/** Custom Elements Manifest (dist/custom-elements.json) from the classes' JSDoc, for IDEs and docs. */
export default {
  globs: ["src/**/*.ts"],
  exclude: ["src/**/*.test.ts"],
  outdir: "dist",
  litelement: true,
  packagejson: false,
};
