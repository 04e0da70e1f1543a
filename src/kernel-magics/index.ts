/**
 * Notebook integration: the tracklab kernel's install/uninstall, headless execution, and the pure magic parser.
 * Not re-exported from the package root: these modules use import.meta, which modules a notebook imports must not.
 */
export { installKernel, uninstallKernel, kernelSpec, kernelMainPath, writeKernelSpec, KERNEL_NAME, KERNEL_DISPLAY_NAME } from './kernelspec.js';
export type { KernelInstallOptions, KernelInstallResult } from './kernelspec.js';
export { execNotebook, CellExecutionError } from './exec-notebook.js';
export type { ExecOptions, ExecResult } from './exec-notebook.js';
export { addNotebookCommands } from './cli-commands.js';
export { rewriteCell, blankMagicLines, MagicSyntaxError } from './rewrite.js';
export type { RewriteResult } from './rewrite.js';
export { parseMagic } from './magic-parser.js';
export type { ParsedMagic } from './magic-parser.js';
export { MAGICS } from './magic-specs.js';
export { splitArgs } from './split-args.js';
export { injectParameters, parseParameter } from './parameters.js';
