import { bootstrapApplication } from '@angular/platform-browser';

import { App } from './app/app';
import { createAppConfig } from './app/app.config';
import { routes } from './app/app.routes';
import { loadWaypointConfig } from './app/core/config/waypoint-config';
import { warmUpRoute } from './app/core/layout/route-loading';

warmUpRoute(routes, location.pathname);

loadWaypointConfig()
  .then((config) => bootstrapApplication(App, createAppConfig(config)))
  .catch((error: unknown) => console.error(error));
