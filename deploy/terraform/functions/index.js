// Viewer request: a folder URL is served by its index.html, as on any static host.
// /notes/x/ -> /notes/x/index.html; /notes/x (no extension) -> /notes/x/index.html.
// The deploy manifest shiplog keeps in the bucket is not part of the site.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/.shiplog-deploy.json') {
    return { statusCode: 404, statusDescription: 'Not Found' };
  }
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) {
    request.uri = uri + '/index.html';
  }
  return request;
}
