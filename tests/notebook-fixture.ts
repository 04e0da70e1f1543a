/** Notebooks that tests write for the tracklab kernel: code cells without outputs, under the tracklab kernelspec. */
import type { Notebook, NotebookCell } from '../src/exec/notebook-format.js';
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from '../src/kernel/kernelspec.js';

/** A code cell not run yet; `source` is kept as nbformat's list of lines. */
export const codeCell = (id: string, source: string, tags: string[] = []): NotebookCell => ({
  id,
  cell_type: 'code',
  metadata: tags.length > 0 ? { tags } : {},
  execution_count: null,
  outputs: [],
  source: source.split(/(?<=\n)/),
});

/** A notebook of `cells` that opens in the tracklab kernel. */
export const trackedNotebook = (cells: NotebookCell[]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: 'typescript' } },
  cells,
});
