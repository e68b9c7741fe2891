// What `partykit dev` prints, less the runtime's noise about clients that left.
//
// When a client goes away without waiting for the end of the closing handshake (a browser tab
// that navigates, reloads or closes; a dropped network), the room still answers its close, as a
// hibernatable socket must (server.ts onClose). The write of that answer fails, and the local
// workerd that partykit 0.0.115 ships logs the failure as an "Uncaught exception … disconnected:
// worker_do_not_log" with a stack trace of a few KB. `worker_do_not_log` is the runtime's own
// mark for errors that are not the worker's and are not to be logged (the deployed platform does
// not), and partykit means to hide such traces, but its filter only knows stacks of bare hex
// addresses, not the `path@offset` form of the Linux build. This drops them: the line, its
// `stack:` line and the blank lines around.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matches terminal colour codes
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const DO_NOT_LOG = /Uncaught exception: .*disconnected: (remote\.)?worker_do_not_log/;

/**
 * A line filter for `partykit dev` output: `keep(line)` is false for the runtime's
 * `worker_do_not_log` disconnect reports and their stack lines. Keeps state between lines.
 * @returns {(line: string) => boolean}
 */
export function quietDisconnects() {
  let inReport = false;
  return (line) => {
    const plain = line.replace(ANSI, "").trim();
    if (DO_NOT_LOG.test(plain)) {
      inReport = true;
      return false;
    }
    if (inReport && (plain === "" || plain.startsWith("stack:"))) return false;
    inReport = false;
    return true;
  };
}

/**
 * Applies `quietDisconnects` to a stream of text chunks (which may split lines): feed it chunks,
 * get back the text to print.
 * @returns {(chunk: string) => string}
 */
export function quietDisconnectsStream() {
  const keep = quietDisconnects();
  let partial = "";
  return (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    return lines
      .filter(keep)
      .map((l) => `${l}\n`)
      .join("");
  };
}
