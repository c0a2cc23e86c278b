/**
 * External company data (issue #19.7): the registry contract, UK Companies House as its
 * implementation, and the checks that apply what a registry says (an insolvency holds dunning).
 */
export { DISTRESSED_STATUSES, type CompanyRegistryProvider, type RegistryCompany, type InsolvencyCase } from './provider.ts';
export { companiesHouse, companiesHouseFromEnv, companiesHouseProfile, normalizeCompanyNumber, COMPANIES_HOUSE_API_URL } from './companies-house.ts';
export { checkCustomerRegistry, refreshRegistry, registryStatus, setCompanyNumber, type RegistryCheck } from './refresh.ts';
