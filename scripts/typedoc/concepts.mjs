// TypeDoc plugin (typedoc.json "plugin"): groups the API reference by concept
// instead of by kind. Each name exported from src/index.ts gets the `@group`
// of the folder it is declared in (an explicit `@group` tag wins), so a new
// export lands in the right place without a tag. The order of the groups is
// typedoc.json's "groupOrder".
//
// It also adds the `@example`s of a few entry points declared in files other
// work streams were editing when the reference was organised (EXTRA_EXAMPLES);
// an `@example` written in the source comment replaces the one here.
import { Comment, CommentTag, Converter, DeclarationReflection, ReflectionKind } from 'typedoc';

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
];

/** `Name` or `Name.member` → example code (TypeScript). */
const EXTRA_EXAMPLES = {
  'Tracker.emit': `const tracker = createTracker({ backends: { memory: new MemoryBackend() } });
tracker.emit('navigation.request', { url: '/courses' });   // queued; never throws, never awaits
tracker.emit('video.play', { position: 12.5 }, { timestamp: new Date('2026-01-01T00:00:00Z') });`,
  'Tracker.context': `await tracker.context('request', { user_id: 7, path: '/courses' }, async () => {
  await tracker.context('course', { course_id: 'c1' }, async () => {
    tracker.emit('course.viewed');   // context: { user_id: 7, path: '/courses', course_id: 'c1' }
  });
});`,
  MongoBackend: `import { createTracker, MongoBackend } from 'eventtrack';

const tracker = createTracker({
  backends: {
    mongo: new MongoBackend({ url: 'mongodb://127.0.0.1:27017/', db: 'app', contextIndexes: ['user_id'], retentionSeconds: 90 * 86_400 }),
  },
});`,
};

function groupOf(fileName) {
  const at = fileName.replaceAll('\\\\', '/').lastIndexOf('/src/');
  if (at === -1) return undefined;
  const path = fileName.slice(at + '/src/'.length);
  return CONCEPTS.find(([prefix]) => path.startsWith(prefix))?.[1];
}

function addExample(comment, code) {
  if (comment.blockTags.some((tag) => tag.tag === '@example')) return;
  comment.blockTags.push(new CommentTag('@example', [{ kind: 'code', text: `\`\`\`ts\n${code}\n\`\`\`` }]));
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
    for (const [path, code] of Object.entries(EXTRA_EXAMPLES)) {
      const [name, member] = path.split('.');
      let target = project.getChildByName(name);
      if (member !== undefined) target = target?.getChildByName?.(member);
      if (!(target instanceof DeclarationReflection)) {
        app.logger.warn(`concepts plugin: ${path} is not in the API; update EXTRA_EXAMPLES`);
        continue;
      }
      const signature = target.kindOf(ReflectionKind.FunctionOrMethod) ? target.signatures?.[0] : undefined;
      const holder = signature ?? target;
      addExample((holder.comment ??= new Comment()), code);
    }
  });
}
