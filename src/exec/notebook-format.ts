/** The parts of nbformat 4 that the runner reads and writes. */

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}
export interface DataOutput {
  output_type: 'display_data' | 'execute_result';
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  execution_count?: number | null;
}
export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DataOutput | ErrorOutput;

export interface NotebookCell {
  id?: string;
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** A cell's source as one string (nbformat allows a list of lines). */
export const sourceOf = (cell: NotebookCell): string =>
  Array.isArray(cell.source) ? cell.source.join('') : cell.source;

/** Splits text into nbformat's list-of-lines form (each line keeps its newline). */
export const toLines = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l !== '');

export const hasTag = (cell: NotebookCell, tag: string): boolean => (cell.metadata.tags ?? []).includes(tag);
