/**
 * The built-in GTFS mapping (docs/importers.md "GTFS"): agency.txt → GtfsAgency,
 * routes.txt → GtfsRoute, stops.txt → GtfsStop, with the attribute names of the Smart Data
 * Models UrbanMobility subject (GtfsStop: code, name, description, location, zoneCode,
 * page, wheelChairAccessible, hasParentStation, operatedBy). `civis import gtfs
 * --print-mapping` prints it as a starting point for a mapping of one's own.
 */
import type { GtfsMapping } from './import-mapping.model.js';
import { parseGtfsMapping } from './import-mapping.parser.js';

const optional = (name: string, column: string, type = 'text') => ({
  name,
  column,
  type,
  optionalColumn: true,
});

export const DEFAULT_GTFS_MAPPING_JSON = {
  description: 'Civis built-in GTFS mapping (Smart Data Models, UrbanMobility)',
  files: {
    'agency.txt': {
      type: 'GtfsAgency',
      id: 'urn:ngsi-ld:GtfsAgency:{agency_id}',
      attributes: [
        { name: 'name', column: 'agency_name', required: true },
        optional('page', 'agency_url'),
        optional('timezone', 'agency_timezone'),
        optional('language', 'agency_lang'),
        optional('phone', 'agency_phone'),
      ],
    },
    'routes.txt': {
      type: 'GtfsRoute',
      id: 'urn:ngsi-ld:GtfsRoute:{agency_id}:{route_id}',
      attributes: [
        optional('shortName', 'route_short_name'),
        optional('name', 'route_long_name'),
        optional('description', 'route_desc'),
        { name: 'routeType', column: 'route_type', required: true },
        optional('routeColor', 'route_color'),
        optional('routeTextColor', 'route_text_color'),
        optional('routeSortOrder', 'route_sort_order', 'integer'),
        optional('page', 'route_url'),
        {
          name: 'operatedBy',
          kind: 'Relationship',
          template: 'urn:ngsi-ld:GtfsAgency:{agency_id}',
        },
      ],
    },
    'stops.txt': {
      type: 'GtfsStop',
      id: 'urn:ngsi-ld:GtfsStop:{agency_id}:{stop_id}',
      location: { latitude: 'stop_lat', longitude: 'stop_lon' },
      attributes: [
        optional('code', 'stop_code'),
        optional('name', 'stop_name'),
        optional('description', 'stop_desc'),
        optional('zoneCode', 'zone_id'),
        optional('page', 'stop_url'),
        optional('wheelChairAccessible', 'wheelchair_boarding'),
        {
          name: 'hasParentStation',
          kind: 'Relationship',
          template: 'urn:ngsi-ld:GtfsStop:{agency_id}:{parent_station}',
          optionalColumn: true,
        },
        {
          name: 'operatedBy',
          kind: 'Relationship',
          template: 'urn:ngsi-ld:GtfsAgency:{agency_id}',
          // GtfsStop's operatedBy is a list of agencies (GtfsRoute's is one).
          array: true,
        },
      ],
    },
  },
};

export function defaultGtfsMapping(): GtfsMapping {
  return parseGtfsMapping(DEFAULT_GTFS_MAPPING_JSON, '(built-in GTFS mapping)');
}
