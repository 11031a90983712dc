import { isNode, LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import type { FileProblem } from '../../../shared/api/catalog.js';

/**
 * YAML files read with their positions kept, so every complaint about a rules file or a
 * catalog-info.yaml names the file, line and column a person opens in an editor.
 */
export interface YamlDocument {
  doc: Document;
  /** The line and column of a path in the document: the deepest part of it that exists. */
  at(path: readonly (string | number)[]): { line: number; column: number };
}

export function readYamlDocuments(file: string, text: string, problems: FileProblem[]): YamlDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  // parseAllDocuments returns an EmptyStream (an array, with no documents) for an empty file.
  const out: YamlDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = lines.linePos(e.pos[0]);
        problems.push({ file, line: pos.line, column: pos.col, message: e.message.split('\n')[0] ?? e.message });
      }
      continue;
    }
    out.push({
      doc,
      at(path) {
        for (let n = path.length; n >= 0; n--) {
          const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
          if (isNode(node) && node.range) {
            const pos = lines.linePos(node.range[0]);
            return { line: pos.line, column: pos.col };
          }
        }
        return { line: 1, column: 1 };
      },
    });
  }
  return out;
}

/** "spec.owner", "rules[3].level": how a path reads in a message. */
export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}
