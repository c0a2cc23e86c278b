/**
 * The Accounting API endpoints Relance uses, under `/v3/company/{realmId}`: query, change data
 * capture, reads by Id, and invoice writes. Every call passes the request guard first.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
import { createPayment, updatePayment } from './payment-writes.ts';
import type { FastifyInstance } from 'fastify';
import { changeDataCapture } from './cdc.ts';
import type { SimContext } from './context.ts';
import { objectNotFoundFault, queryParseFault, requestValidationFault } from './fault-shapes.ts';
import { updateInvoice, voidInvoice } from './invoice-writes.ts';
import { createInvoice } from './invoice-create.ts';
import { parseQuery, QueryParseError } from './query-language.ts';
import { runQuery } from './query-run.ts';
import { entityNamed } from './store.ts';
import { formatResponseTime } from './time-format.ts';
import type { requestGuard } from './request-guard.ts';

const READABLE = ['invoice', 'customer', 'payment', 'creditmemo', 'companyinfo'];

function queryAnswer(ctx: SimContext, text: unknown): unknown {
  if (typeof text !== 'string' || !text.trim()) throw queryParseFault('Encountered "<EOF>" at line 1. Was expecting "select"');
  let parsed;
  try {
    parsed = parseQuery(text);
  } catch (e) {
    if (e instanceof QueryParseError) throw queryParseFault(e.message);
    throw e;
  }
  return { QueryResponse: runQuery(ctx.store, parsed), time: formatResponseTime(ctx.now()) };
}

export function apiRoutes(ctx: SimContext, guard: ReturnType<typeof requestGuard>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('preHandler', guard);

    // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
    app.get('/query', async (req) => queryAnswer(ctx, (req.query as Record<string, unknown>).query));
    // The same query may be POSTed as the body (Content-Type: application/text).
    app.post('/query', async (req) => queryAnswer(ctx, req.body));

    app.get('/cdc', async (req) => ({
      CDCResponse: changeDataCapture(ctx.store, req.query as Record<string, unknown>, ctx.now()),
      time: formatResponseTime(ctx.now()),
    }));

    app.get('/preferences', async () => ({ Preferences: ctx.store.get('Preferences', '1')!.body, time: formatResponseTime(ctx.now()) }));

    app.get<{ Params: { entity: string; id: string }; Querystring: { include?: string } }>('/:entity/:id', async (req) => {
      const lower = req.params.entity.toLowerCase();
      const entity = READABLE.includes(lower) ? entityNamed(lower) : null;
      if (!entity) throw requestValidationFault('2010', 'Unsupported Operation', `Operation GET is not supported for ${req.params.entity}`);
      // CompanyInfo is read at /companyinfo/{realmId}; its own Id is "1".
      const id = entity === 'CompanyInfo' && req.params.id === ctx.store.realmId ? '1' : req.params.id;
      const row = ctx.store.get(entity, id);
      if (!row) throw objectNotFoundFault(entity, req.params.id);
      let body = row.body;
      // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#read-an-invoice
      // include=invoiceLink adds the customer-facing link when online payments are allowed.
      if (entity === 'Invoice' && req.query.include?.split(',').includes('invoiceLink') && row.body.AllowOnlineCreditCardPayment) {
        const host = req.headers.host ?? '127.0.0.1';
        body = { ...row.body, InvoiceLink: `http://${host}/comm/invoice/${ctx.store.realmId}/${row.id}?locale=en_US` };
      }
      return { [entity]: body, time: formatResponseTime(ctx.now()) };
    });

    // A write repeated with the same `requestid` gets the first answer again and changes nothing.
    // https://blogs.intuit.com/2015/04/06/15346/
    const answered = new Map<string, unknown>();
    app.post<{ Querystring: { operation?: string; requestid?: string } }>('/invoice', async (req) => {
      const requestId = req.query.requestid;
      if (requestId !== undefined && requestId.length > 50) throw requestValidationFault('2010', 'Invalid requestid', 'requestid is longer than 50 characters', 'requestid');
      if (requestId !== undefined && answered.has(requestId)) return answered.get(requestId);
      // Without `operation`, a body without an Id creates an invoice (node-quickbooks createInvoice).
      const creates = req.query.operation === undefined && (req.body === null || typeof req.body !== 'object' || !('Id' in req.body));
      const answer = creates ? { Invoice: createInvoice(ctx, req.body), time: formatResponseTime(ctx.now()) } : writeInvoice(req.query.operation ?? 'update', req.body);
      if (requestId !== undefined) answered.set(requestId, answer);
      return answer;
    });

    app.post<{ Querystring: { operation?: string; requestid?: string } }>('/payment', async (req) => {
      const requestId = req.query.requestid;
      if (requestId !== undefined && requestId.length > 50) throw requestValidationFault('2010', 'Invalid requestid', 'requestid is longer than 50 characters', 'requestid');
      const key = requestId === undefined ? undefined : `payment:${requestId}`;
      if (key !== undefined && answered.has(key)) return answered.get(key);
      if ((req.query.operation ?? 'update') !== 'update') throw requestValidationFault('2010', 'Unsupported Operation', `Operation ${req.query.operation} is not supported for Payment`, 'operation');
      // Without `operation`, a body without an Id creates a payment (node-quickbooks createPayment).
      const creates = req.query.operation === undefined && (req.body === null || typeof req.body !== 'object' || !('Id' in req.body));
      const answer = { Payment: creates ? createPayment(ctx, req.body) : updatePayment(ctx, req.body), time: formatResponseTime(ctx.now()) };
      if (key !== undefined) answered.set(key, answer);
      return answer;
    });

    function writeInvoice(operation: string, body: unknown) {
      let invoice;
      if (operation === 'update') invoice = updateInvoice(ctx, body);
      else if (operation === 'void') invoice = voidInvoice(ctx, body);
      else throw requestValidationFault('2010', 'Unsupported Operation', `Operation ${operation} is not supported for Invoice`, 'operation');
      return { Invoice: invoice, time: formatResponseTime(ctx.now()) };
    }
  };
}
