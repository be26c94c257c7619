import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  ErrorHandler,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { MAT_ICON_DEFAULT_OPTIONS } from '@angular/material/icon';
import { provideRouter, TitleStrategy, withComponentInputBinding, withPreloading } from '@angular/router';

import { routes } from './app.routes';
import { authInterceptor } from './core/auth/auth.interceptor';
import { provideWaypointConfig, type WaypointConfig } from './core/config/waypoint-config';
import { GlobalErrorHandler } from './core/errors/global-error-handler';
import { httpActivityInterceptor } from './core/http/http-activity';
import { PageTitleStrategy } from './core/layout/page-title-strategy';
import { RoleSectionPreloading } from './core/layout/route-loading';
import { provideIdleSignOff } from './core/session/idle-sign-off';
import { provideRootState } from './core/state/root-state';

export function createAppConfig(config: Partial<WaypointConfig> = {}): ApplicationConfig {
  return {
    providers: [
      provideZonelessChangeDetection(),
      provideBrowserGlobalErrorListeners(),
      { provide: ErrorHandler, useClass: GlobalErrorHandler },
      provideWaypointConfig(config),
      provideHttpClient(withInterceptors([httpActivityInterceptor, authInterceptor])),
      provideRouter(routes, withComponentInputBinding(), withPreloading(RoleSectionPreloading)),
      { provide: TitleStrategy, useClass: PageTitleStrategy },
      provideRootState(),
      provideIdleSignOff(),
      { provide: MAT_ICON_DEFAULT_OPTIONS, useValue: { fontSet: 'material-symbols-outlined' } },
    ],
  };
}
