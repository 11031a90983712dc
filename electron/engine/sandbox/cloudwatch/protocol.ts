import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The awsJson1_0 wire protocol as CloudWatch speaks it since it moved off awsQuery: POST /,
 * `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`, JSON bodies with timestamps as
 * epoch seconds. CloudWatch is "awsQueryCompatible": errors carry the old query error code in
 * `x-amzn-query-error: <Code>;<Sender|Receiver>`, which the SDK prefers over `__type` when it
 * names the error (and which is what its retry logic matches, e.g. "Throttling").
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 * https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#aws-protocols-awsquerycompatible-trait
 */
export const SERVICE_TARGET = 'GraniteServiceVersion20100801';
export const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export class AwsError extends Error {
  constructor(
    /** The awsQuery error code, e.g. "InvalidParameterValue". */
    readonly code: string,
    /** The Smithy shape named in `__type`. */
    readonly shape: string,
    message: string,
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export const errors = {
  invalidParameterValue: (message: string) =>
    new AwsError('InvalidParameterValue', 'com.amazonaws.cloudwatch#InvalidParameterValueException', message),
  invalidParameterCombination: (message: string) =>
    new AwsError('InvalidParameterCombination', 'com.amazonaws.cloudwatch#InvalidParameterCombinationException', message),
  missingParameter: (message: string) =>
    new AwsError('MissingParameter', 'com.amazonaws.cloudwatch#MissingRequiredParameterException', message),
  invalidNextToken: (message = 'The service couldn\'t process the request because the NextToken is invalid.') =>
    new AwsError('InvalidNextToken', 'com.amazonaws.cloudwatch#InvalidNextToken', message),
  validation: (message: string) => new AwsError('ValidationError', 'com.amazon.coral.validate#ValidationException', message),
  serialization: (message: string) => new AwsError('SerializationException', 'com.amazon.coral.service#SerializationException', message),
  unknownOperation: (operation: string) =>
    new AwsError('UnknownOperation', 'com.amazon.coral.service#UnknownOperationException', `Operation ${operation} is not supported by this endpoint.`),
  missingAuthentication: () =>
    new AwsError('MissingAuthenticationToken', 'com.amazon.coral.service#MissingAuthenticationTokenException', 'Request is missing Authentication Token', 403),
  invalidClientTokenId: () =>
    new AwsError('InvalidClientTokenId', 'com.amazon.coral.service#UnrecognizedClientException', 'The security token included in the request is invalid.', 403),
  throttling: () => new AwsError('Throttling', 'com.amazon.coral.availability#ThrottlingException', 'Rate exceeded'),
};

/** The operation a request targets, or null when it is not an awsJson request for CloudWatch. */
export function targetOperation(req: IncomingMessage, url: URL): string | null {
  if (req.method !== 'POST' || url.pathname !== '/') return null;
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string') return null;
  const dot = target.lastIndexOf('.');
  if (dot < 0 || target.slice(0, dot) !== SERVICE_TARGET) return null;
  return target.slice(dot + 1);
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  // Past the limit, read on and drop: leaving the loop destroys the socket before the error is read.
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buf);
  }
  if (size > MAX_BODY_BYTES) throw errors.serialization(`Request body is larger than ${MAX_BODY_BYTES} bytes.`);
  if (contentType !== CONTENT_TYPE && contentType !== 'application/x-amz-json-1.1') {
    throw errors.serialization(`Content-Type must be ${CONTENT_TYPE}.`);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.serialization('Request body is not valid JSON.');
  }
}

export function sendResult(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: AwsError): void {
  const text = JSON.stringify({ __type: error.shape, message: error.message });
  res.writeHead(error.status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    'x-amzn-query-error': `${error.code};${error.fault}`,
  });
  res.end(text);
}
