import type { Resource } from '@medplum/fhirtypes';
import { createActionGroup, createFeature, createReducer, createSelector, on, props } from '@ngrx/store';

/**
 * Every FHIR resource the app has loaded, one table keyed by `Type/id` (the example-app's collection). Views keep
 * the keys of what they show, never a copy. A resource received again replaces the stored one unless the stored
 * one is a later version (`meta.versionId`), so an older read arriving late cannot undo a newer one.
 */

export type ResourceKey = `${string}/${string}`;

export function resourceKeyOf(resource: Resource): ResourceKey {
  return `${resource.resourceType}/${resource.id ?? ''}`;
}

/** Events from any FHIR read or write that returned resources. */
export const ResourcesActions = createActionGroup({
  source: 'FHIR Resources',
  events: {
    Received: props<{ resources: readonly Resource[] }>(),
  },
});

export interface ResourcesState {
  /** Every loaded resource by `Type/id`. */
  readonly entities: Readonly<Record<string, Resource>>;
}

export const initialResourcesState: ResourcesState = { entities: {} };

function version(resource: Resource | undefined): number | undefined {
  const v = Number(resource?.meta?.versionId);
  return Number.isFinite(v) ? v : undefined;
}

/** The resources to store: without an id nothing; a version older than the stored one is skipped. */
function newer(state: ResourcesState, resources: readonly Resource[]): Resource[] {
  const latest = new Map<ResourceKey, Resource>();
  for (const resource of resources) {
    if (!resource.id) continue;
    const key = resourceKeyOf(resource);
    const stored = latest.get(key) ?? state.entities[key];
    const incoming = version(resource);
    const current = version(stored);
    if (stored && incoming !== undefined && current !== undefined && incoming < current) continue;
    latest.set(key, resource);
  }
  return [...latest.values()];
}

export const resourcesFeature = createFeature({
  name: 'resources',
  reducer: createReducer(
    initialResourcesState,
    on(ResourcesActions.received, (state, { resources }): ResourcesState => {
      const accepted = newer(state, resources);
      if (accepted.length === 0) return state;
      const entities = { ...state.entities };
      for (const resource of accepted) entities[resourceKeyOf(resource)] = resource;
      return { entities };
    }),
  ),
  extraSelectors: ({ selectEntities }) => ({
    /** Resources by key, in the order of `keys`; keys not loaded are skipped. */
    selectByKeys: (keys: readonly string[]) =>
      createSelector(selectEntities, (entities) =>
        keys.map((key) => entities[key]).filter((r): r is Resource => r !== undefined),
      ),
  }),
});

export const { selectEntities: selectResourceEntities } = resourcesFeature;
