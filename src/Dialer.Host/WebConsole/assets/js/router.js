// Navigation between console pages, with a one-shot message for the next page ("Created phone 1001.").
let handler = () => {};
let flash = null;

export function navigate(path, message) {
  flash = message ?? null;
  if (location.hash === `#${path}`) handler();
  else location.hash = path;
}

export function takeFlash() {
  const message = flash;
  flash = null;
  return message;
}

export function onRoute(route) {
  handler = route;
}
