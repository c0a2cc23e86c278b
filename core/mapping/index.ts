/** The mapping engine's public surface: raw provider records → canonical records (FORMATS.md). */
export type { Allocation, CanonicalRecord, EntityName, FieldKind } from './canonical.ts';
export { CANONICAL_FIELDS, ENTITIES } from './canonical.ts';
export type { MapOptions, MapResult, MappingContext, Rejection } from './engine.ts';
export { compileMapping, mapRecords, mapWith } from './engine.ts';
export { extractRecords } from './envelope.ts';
export { isProvider, loadDefaultMapping, mappingNames, resolveMappingName } from './registry.ts';
export type { FieldSpec, Mapping, MappingOverride, ProviderName, Transform } from './schema.ts';
export { PROVIDERS, parseMapping, parseOverride } from './schema.ts';
