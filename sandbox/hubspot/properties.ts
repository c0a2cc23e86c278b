/**
 * Property definitions and groups per object type: HubSpot's built-in ones that Relance reads, and
 * the ones a client creates (Relance's "relance" group). A value written to an object is checked
 * against its definition, as HubSpot does: unknown names and options outside an enumeration fail.
 *
 * https://developers.hubspot.com/docs/api/crm/properties
 */
import { BUILTIN_OPTIONS, BUILTINS, EPOCH } from './builtin-properties.ts';
import { conflictError, notFoundError, validationError } from './errors.ts';

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';

export interface PropertyOption {
  label: string;
  value: string;
  description?: string;
  displayOrder: number;
  hidden: boolean;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined: boolean;
  formField: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  dataSensitivity: 'non_sensitive';
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

// Which fieldType goes with which type, per the properties guide's table.
// https://developers.hubspot.com/docs/api/crm/properties#property-type-and-fieldtype-values
const FIELD_TYPES: Record<PropertyType, string[]> = {
  string: ['text', 'textarea', 'html', 'phonenumber', 'file'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
  bool: ['booleancheckbox', 'calculation_equation'],
};

export function isFieldTypeValid(type: PropertyType, fieldType: string): boolean {
  return FIELD_TYPES[type].includes(fieldType);
}

export class PropertyRegistry {
  private readonly props = new Map<string, Map<string, PropertyDefinition>>();
  private readonly groups = new Map<string, Map<string, PropertyGroup>>();

  constructor(ownerIds: string[]) {
    for (const [objectType, spec] of Object.entries(BUILTINS)) {
      this.groups.set(
        objectType,
        new Map([
          [spec.group, { name: spec.group, label: spec.groupLabel, displayOrder: -1, archived: false }],
        ]),
      );
      const defs = new Map<string, PropertyDefinition>();
      spec.props.forEach(([name, label, type, fieldType, readOnly], i) => {
        const values = name === 'hubspot_owner_id' ? ownerIds : (BUILTIN_OPTIONS[name] ?? []);
        const options = values.map((value, order) => ({
          label: value,
          value,
          displayOrder: order,
          hidden: false,
        }));
        defs.set(
          name,
          definition(
            { name, label, type, fieldType, groupName: spec.group, options, displayOrder: i },
            true,
            readOnly ?? false,
            EPOCH,
          ),
        );
      });
      this.props.set(objectType, defs);
    }
  }

  list(objectType: string): PropertyDefinition[] {
    return [...this.forType(objectType).values()];
  }

  get(objectType: string, name: string): PropertyDefinition | undefined {
    return this.forType(objectType).get(name);
  }

  require(objectType: string, name: string): PropertyDefinition {
    const def = this.get(objectType, name);
    if (!def) throw notFoundError(`Unable to find property ${name}`);
    return def;
  }

  listGroups(objectType: string): PropertyGroup[] {
    return [...this.groupsOf(objectType).values()];
  }

  createGroup(
    objectType: string,
    input: { name: string; label: string; displayOrder?: number },
  ): PropertyGroup {
    const groups = this.groupsOf(objectType);
    if (groups.has(input.name)) throw conflictError(`Property group named '${input.name}' already exists.`);
    const group = {
      name: input.name,
      label: input.label,
      displayOrder: input.displayOrder ?? -1,
      archived: false,
    };
    groups.set(group.name, group);
    return group;
  }

  create(
    objectType: string,
    input: Pick<PropertyDefinition, 'name' | 'label' | 'type' | 'fieldType' | 'groupName'> &
      Partial<
        Pick<PropertyDefinition, 'description' | 'displayOrder' | 'hasUniqueValue' | 'hidden' | 'formField'>
      > & {
        options?: {
          label: string;
          value: string;
          description?: string;
          displayOrder?: number;
          hidden?: boolean;
        }[];
      },
    nowIso: string,
  ): PropertyDefinition {
    const defs = this.forType(objectType);
    if (defs.has(input.name)) throw conflictError(`Property named '${input.name}' already exists.`);
    if (!this.groupsOf(objectType).has(input.groupName)) {
      throw validationError(`Property group ${input.groupName} does not exist.`);
    }
    if (!isFieldTypeValid(input.type, input.fieldType)) {
      throw validationError(`fieldType ${input.fieldType} is not valid for a property of type ${input.type}`);
    }
    if (input.type === 'enumeration' && !input.options?.length && input.fieldType !== 'booleancheckbox') {
      throw validationError(`Enumeration property ${input.name} needs options`);
    }
    const options = (input.options ?? []).map((o, i) => ({
      label: o.label,
      value: o.value,
      ...(o.description !== undefined ? { description: o.description } : {}),
      displayOrder: o.displayOrder ?? i,
      hidden: o.hidden ?? false,
    }));
    const def = definition(
      { ...input, options, displayOrder: input.displayOrder ?? -1 },
      false,
      false,
      nowIso,
    );
    defs.set(def.name, def);
    return def;
  }

  update(
    objectType: string,
    name: string,
    patch: Partial<Pick<PropertyDefinition, 'label' | 'description' | 'options' | 'groupName' | 'hidden'>>,
    nowIso: string,
  ): PropertyDefinition {
    const def = this.require(objectType, name);
    if (def.modificationMetadata.readOnlyDefinition) throw validationError(`Property ${name} is read-only`);
    Object.assign(def, patch, { updatedAt: nowIso });
    return def;
  }

  /** Checks values written through the API: HubSpot refuses the whole input on the first bad one. */
  checkWritable(objectType: string, values: Record<string, unknown>): Record<string, string | null> {
    const problems: {
      isValid: false;
      message: string;
      error: string;
      name: string;
      localizedErrorMessage: string;
    }[] = [];
    const out: Record<string, string | null> = {};
    for (const [name, raw] of Object.entries(values)) {
      const def = this.get(objectType, name);
      const value = raw === null || raw === undefined ? null : String(raw);
      const problem = !def
        ? { error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` }
        : def.modificationMetadata.readOnlyValue
          ? {
              error: 'READ_ONLY_VALUE',
              message: `"${name}" is a read only property; its value cannot be set.`,
            }
          : value === null || value === ''
            ? null
            : valueProblem(def, value);
      if (problem)
        problems.push({ isValid: false, ...problem, name, localizedErrorMessage: problem.message });
      else out[name] = value === '' ? null : value;
    }
    if (problems.length) {
      throw validationError(`Property values were not valid: ${JSON.stringify(problems)}`, {
        errors: problems.map((p) => ({
          message: p.message,
          code: p.error,
          context: { propertyName: [p.name] },
        })),
      });
    }
    return out;
  }

  private forType(objectType: string): Map<string, PropertyDefinition> {
    let defs = this.props.get(objectType);
    if (!defs) this.props.set(objectType, (defs = new Map()));
    return defs;
  }

  private groupsOf(objectType: string): Map<string, PropertyGroup> {
    let groups = this.groups.get(objectType);
    if (!groups) this.groups.set(objectType, (groups = new Map()));
    return groups;
  }
}

function valueProblem(def: PropertyDefinition, value: string): { error: string; message: string } | null {
  if (def.type === 'number' && !/^-?\d+(\.\d+)?$/.test(value)) {
    return { error: 'INVALID_FLOAT', message: `${value} was not a valid number.` };
  }
  if (
    def.type === 'bool' ||
    (def.type === 'enumeration' && def.fieldType === 'booleancheckbox' && !def.options.length)
  ) {
    return value === 'true' || value === 'false'
      ? null
      : { error: 'INVALID_BOOLEAN', message: `${value} was not a valid boolean.` };
  }
  if (def.type === 'enumeration') {
    const allowed = new Set(def.options.map((o) => o.value));
    // checkbox enumerations take several values separated by semicolons.
    const parts = def.fieldType === 'checkbox' ? value.split(';') : [value];
    const bad = parts.find((p) => !allowed.has(p));
    if (bad !== undefined) {
      return {
        error: 'INVALID_OPTION',
        message: `${bad} was not one of the allowed options: [${[...allowed].join(', ')}]`,
      };
    }
  }
  if ((def.type === 'datetime' || def.type === 'date') && Number.isNaN(parseHubspotDate(value))) {
    return { error: 'INVALID_DATE', message: `${value} was not a valid date.` };
  }
  return null;
}

/** HubSpot takes dates as epoch milliseconds or ISO 8601. NaN when neither. */
export function parseHubspotDate(value: string): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  return Date.parse(value);
}

function definition(
  base: Pick<
    PropertyDefinition,
    'name' | 'label' | 'type' | 'fieldType' | 'groupName' | 'options' | 'displayOrder'
  > &
    Partial<Pick<PropertyDefinition, 'description' | 'hasUniqueValue' | 'hidden' | 'formField'>>,
  hubspotDefined: boolean,
  readOnly: boolean,
  at: string,
): PropertyDefinition {
  return {
    name: base.name,
    label: base.label,
    type: base.type,
    fieldType: base.fieldType,
    description: base.description ?? '',
    groupName: base.groupName,
    options: base.options,
    displayOrder: base.displayOrder,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: base.hasUniqueValue ?? false,
    hidden: base.hidden ?? false,
    hubspotDefined,
    formField: base.formField ?? !readOnly,
    modificationMetadata: {
      archivable: !hubspotDefined,
      readOnlyDefinition: hubspotDefined,
      readOnlyValue: readOnly,
    },
    createdAt: at,
    updatedAt: at,
    archived: false,
    dataSensitivity: 'non_sensitive',
  };
}
