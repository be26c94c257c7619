import { type Params, type RouterStateSnapshot } from '@angular/router';
import { type RouterReducerState, type RouterStateSerializer } from '@ngrx/router-store';
import { createFeatureSelector, createSelector } from '@ngrx/store';

/** What the store keeps of the router: plain strings only, so it stays serializable. */
export interface RouterStateUrl {
  readonly url: string;
  /** Path params of the whole activated branch, merged (child wins). */
  readonly params: Params;
  readonly queryParams: Params;
}

export const ROUTER_FEATURE_KEY = 'router';

/** Minimal serializer: the URL, merged path params and query params; no component or resolver data. */
export class WaypointRouterSerializer implements RouterStateSerializer<RouterStateUrl> {
  serialize(routerState: RouterStateSnapshot): RouterStateUrl {
    const params: Record<string, string> = {};
    let route: RouterStateSnapshot['root'] | null = routerState.root;
    while (route) {
      Object.assign(params, route.params);
      route = route.firstChild;
    }
    return {
      url: routerState.url,
      params,
      queryParams: { ...routerState.root.queryParams },
    };
  }
}

export const selectRouter = createFeatureSelector<RouterReducerState<RouterStateUrl>>(ROUTER_FEATURE_KEY);

export const selectRouterState = createSelector(selectRouter, (router) => router?.state);
export const selectUrl = createSelector(selectRouterState, (state) => state?.url);
export const selectRouteParams = createSelector(selectRouterState, (state): Params => state?.params ?? {});
export const selectQueryParams = createSelector(
  selectRouterState,
  (state): Params => state?.queryParams ?? {},
);

/** `selectRouteParam('id')` — e.g. the selected patient id, which always comes from the URL. */
export const selectRouteParam = (name: string) =>
  createSelector(selectRouteParams, (params): string | undefined => {
    const value: unknown = params[name];
    return typeof value === 'string' ? value : undefined;
  });

/** `selectQueryParam('from')`; repeated parameters give their first value. */
export const selectQueryParam = (name: string) =>
  createSelector(selectQueryParams, (params): string | undefined => {
    const value: unknown = params[name];
    return typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? (value[0] as string | undefined)
        : undefined;
  });
