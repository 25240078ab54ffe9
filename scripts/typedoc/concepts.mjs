// TypeDoc plugin (typedoc.json "plugin"): groups the API reference by concept
// instead of by kind. Each name exported from src/index.ts gets the `@group`
// of the folder it is declared in (an explicit `@group` tag wins), so a new
// export lands in the right place without a tag. The order of the groups is
// typedoc.json's "groupOrder".
import { Comment, CommentTag, Converter, DeclarationReflection } from 'typedoc';

/** Folder (or file) under src/ → group. First match wins. */
export const CONCEPTS = [
  ['errors.ts', 'Errors'],
  ['tracker/', 'Tracker'],
  ['event/', 'Tracker'],
  ['context/', 'Contexts'],
  ['delivery/', 'Delivery'],
  ['backends/counters/', 'Metrics'],
  ['backends/', 'Backends'],
  ['metrics/', 'Metrics'],
  ['time/', 'Metrics'],
  ['integrations/', 'Integrations'],
  ['routing/', 'Routing and processors'],
  ['processors/', 'Routing and processors'],
  ['catalog/', 'Catalog'],
  ['config/', 'Configuration'],
  ['drivers/', 'Backends'],
];

function groupOf(fileName) {
  const at = fileName.replaceAll('\\\\', '/').lastIndexOf('/src/');
  if (at === -1) return undefined;
  const path = fileName.slice(at + '/src/'.length);
  return CONCEPTS.find(([prefix]) => path.startsWith(prefix))?.[1];
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const child of project.children ?? []) {
      if (!(child instanceof DeclarationReflection)) continue;
      const comment = (child.comment ??= new Comment());
      if (comment.blockTags.some((tag) => tag.tag === '@group')) continue;
      const fileName = project.getSymbolIdFromReflection(child)?.fileName;
      const group = fileName === undefined ? undefined : groupOf(fileName);
      if (group === undefined) {
        app.logger.warn(`concepts plugin: no group for ${child.name} (${fileName ?? 'unknown file'}); add it to CONCEPTS`);
        continue;
      }
      comment.blockTags.push(new CommentTag('@group', [{ kind: 'text', text: group }]));
    }
  });
}
