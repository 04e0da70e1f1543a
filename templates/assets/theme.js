/* tracklab report page script; source: templates/client/ (bundled with esbuild) */
"use strict";(()=>{var r="tracklab-theme";function t(){try{let e=localStorage.getItem(r);return e==="light"||e==="dark"?e:"system"}catch{return"system"}}function o(e){e==="system"?document.documentElement.removeAttribute("data-theme"):document.documentElement.setAttribute("data-theme",e)}o(t());})();
