/** Local mode reads and writes the same trailers as the App's commits. */
export { formatTrailers, parseTrailers, TRAILER } from "../../core/pr/commit-message.js";
