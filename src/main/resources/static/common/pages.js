// What the demo page and the dashboard both need to build their DOM without a framework.
'use strict';
window.pages = {
  $: (id) => document.getElementById(id),
  /** An element with attributes (class, data-*, or properties such as textContent) and children. */
  el: (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  },
};
