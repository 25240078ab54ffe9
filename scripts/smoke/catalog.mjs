// (d) A module documented by `npx eventtrack catalog`.
import { EventCatalog } from 'eventtrack';

export const catalog = new EventCatalog().define('smoke.cli', {
  description: 'The CLI smoke test documented this event.',
  version: 3,
  schema: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] },
});
