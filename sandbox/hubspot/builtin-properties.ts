/**
 * HubSpot's own property definitions for the object types the simulator serves (the ones Relance
 * reads or writes), as data: name, label, type, fieldType, and whether the value is read-only.
 *
 * https://developers.hubspot.com/docs/api/crm/properties#default-properties
 */
import type { PropertyType } from './properties.ts';

export type Builtin = [
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  readOnly?: boolean,
];

const COMMON: Builtin[] = [
  ['hs_object_id', 'Record ID', 'number', 'number', true],
  ['createdate', 'Create Date', 'datetime', 'date', true],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', true],
  ['hubspot_owner_id', 'Owner', 'enumeration', 'select'],
];

export const BUILTINS: Record<string, { group: string; groupLabel: string; props: Builtin[] }> = {
  companies: {
    group: 'companyinformation',
    groupLabel: 'Company information',
    props: [
      ...COMMON,
      ['name', 'Company name', 'string', 'text'],
      ['domain', 'Company Domain Name', 'string', 'text'],
      ['phone', 'Phone Number', 'string', 'phonenumber'],
      ['country', 'Country/Region', 'string', 'text'],
      // The company's address as HubSpot's default company properties name it.
      ['address', 'Street Address', 'string', 'text'],
      ['address2', 'Street Address 2', 'string', 'text'],
      ['city', 'City', 'string', 'text'],
      ['state', 'State/Region', 'string', 'text'],
      ['zip', 'Postal Code', 'string', 'text'],
    ],
  },
  contacts: {
    group: 'contactinformation',
    groupLabel: 'Contact information',
    props: [
      ...COMMON,
      // Contacts carry `lastmodifieddate` too: it is the one their default responses show.
      ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date', true],
      ['firstname', 'First Name', 'string', 'text'],
      ['lastname', 'Last Name', 'string', 'text'],
      ['email', 'Email', 'string', 'text'],
      ['phone', 'Phone Number', 'string', 'phonenumber'],
      ['associatedcompanyid', 'Primary Associated Company ID', 'number', 'number'],
    ],
  },
  notes: {
    group: 'engagement',
    groupLabel: 'Engagement',
    props: [
      ...COMMON,
      ['hs_timestamp', 'Activity date', 'datetime', 'date'],
      ['hs_note_body', 'Note body', 'string', 'html'],
    ],
  },
  tasks: {
    group: 'task_information',
    groupLabel: 'Task information',
    props: [
      ...COMMON,
      ['hs_timestamp', 'Due date', 'datetime', 'date'],
      ['hs_task_subject', 'Task Title', 'string', 'text'],
      ['hs_task_body', 'Notes', 'string', 'html'],
      ['hs_task_status', 'Task Status', 'enumeration', 'select'],
      ['hs_task_priority', 'Priority', 'enumeration', 'select'],
      ['hs_task_type', 'Task Type', 'enumeration', 'select'],
    ],
  },
  deals: {
    group: 'dealinformation',
    groupLabel: 'Deal information',
    props: [
      ...COMMON,
      ['dealname', 'Deal Name', 'string', 'text'],
      ['amount', 'Amount', 'number', 'number'],
      ['closedate', 'Close Date', 'datetime', 'date'],
      ['pipeline', 'Pipeline', 'enumeration', 'select'],
      ['dealstage', 'Deal Stage', 'enumeration', 'select'],
    ],
  },
};

// https://developers.hubspot.com/docs/api/crm/tasks (hs_task_status, hs_task_priority, hs_task_type)
export const BUILTIN_OPTIONS: Record<string, string[]> = {
  hs_task_status: ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'],
  hs_task_priority: ['NONE', 'LOW', 'MEDIUM', 'HIGH'],
  hs_task_type: ['TODO', 'CALL', 'EMAIL', 'LINKED_IN', 'MEETING'],
  // The default sales pipeline's stages. https://developers.hubspot.com/docs/api/crm/pipelines
  pipeline: ['default'],
  dealstage: [
    'appointmentscheduled',
    'qualifiedtobuy',
    'presentationscheduled',
    'decisionmakerboughtin',
    'contractsent',
    'closedwon',
    'closedlost',
  ],
};

export const EPOCH = '2019-08-06T02:43:14.491Z';
