/**
 * The `operationId` of a route, derived from its method and path so that no route names itself and
 * the name changes only when the route does: `GET /workers/:id/trainings` → `getWorkersByIdTrainings`,
 * `POST /me/fairs/checkin` → `postMeFairsCheckin`. Client generators use it for their function names.
 */
export function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^[:{]([A-Za-z0-9_]+)}?$/.exec(segment)?.[1];
      return param ? `By${pascal(param)}` : pascal(segment);
    });
  return method.toLowerCase() + words.join('');
}

/** `zero-employment` → `ZeroEmployment`, `qr.png` → `QrPng`, `recordId` → `RecordId`. */
function pascal(segment: string): string {
  return segment
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
