import type { TopicHandler } from '../api/router.js';
import type { LogSessionDeps } from './log-session.js';
import { openLogSession } from './log-session.js';
import type { z } from 'zod';
import type { LogRequest } from '../../../shared/api/logs.js';

/** The log subscription; closing it aborts every pods/log stream the view opened. */
export function logTopicHandlers(deps: LogSessionDeps): { 'logs.follow': TopicHandler<'logs.follow'> } {
  return {
    // The router hands over parsed params (defaults applied); TopicHandler types them as the schema's input.
    'logs.follow': (request, push) => openLogSession(request as z.output<typeof LogRequest>, deps, push),
  };
}
