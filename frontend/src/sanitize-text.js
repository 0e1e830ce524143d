// Stands in for the sanitize-html package in the page script (esbuild `alias` in build.mjs).
//
// ipywidgets' manager imports sanitize-html (with postcss, htmlparser2 and their helpers,
// about 250 KB of the 960 KB bundle that every visitor's browser parsed and ran before the
// page could connect) only to clean widget descriptions marked `description_allow_html`.
// No workbench page sets that, and the page's widget manager (index.js) shows such a
// description as plain text; this stand-in does the same if anything calls it: the text
// escaped, never HTML.
export default function sanitizeAsText(source) {
  const div = document.createElement('div');
  div.textContent = String(source ?? '');
  return div.innerHTML;
}
