/** Entry of assets/theme.js: a blocking script in `<head>` that sets the reader's theme before the page paints. */
import { applyTheme, storedTheme } from './theme.js';

applyTheme(storedTheme());
