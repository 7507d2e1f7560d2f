using System.IO.Compression;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;
using Orleans.Dashboard;

namespace Switchboard.ApiGateway.Operations;

/// <summary>
/// Serves the Orleans dashboard's page, script, styles, fonts and images straight from the resources embedded in
/// Orleans.Dashboard.dll, which the runtime maps from the file: nothing is copied into the heap between requests.
/// The dashboard's own asset provider reads every resource at start-up (a 12.9 MB source map among them) and keeps
/// each decompressed and gzipped for the life of the process, ~17 MB of live heap before the first request.
/// </summary>
public static class DashboardAssets
{
    private static readonly Assembly Package = typeof(DashboardOptions).Assembly;
    private static readonly string ResourcePrefix = Package.GetName().Name + ".wwwroot.";

    // The package's build is the version of every asset in it, so its module id is a strong validator.
    private static readonly string ETagPrefix = "\"" + Package.ManifestModule.ModuleVersionId.ToString("N") + "-";
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // The routes the dashboard's page refers to. The source map is deliberately not among them.
    private static readonly string[] Routes = ["/", "/index.html", "/favicon.ico", "/index.min.js", "/index.css", "/fonts/{**path}", "/img/{**path}"];

    /// <summary>
    /// Keeps the dashboard's asset provider from being built. <c>MapOrleansDashboard</c> insists on one and its
    /// API routes share a closure with it, so it gets an instance whose constructor never ran: the asset routes
    /// that would use it are always outranked by <see cref="Map"/>'s.
    /// </summary>
    public static void ReplaceUpstreamProvider(IServiceCollection services)
    {
        var provider = Package.GetType("Orleans.Dashboard.EmbeddedAssetProvider", throwOnError: true)!;
        services.Replace(ServiceDescriptor.Singleton(provider, _ => RuntimeHelpers.GetUninitializedObject(provider)));
    }

    /// <summary>Maps the asset routes under <paramref name="prefix"/>, ahead of the dashboard's own (order -1).</summary>
    public static void Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix);
        foreach (var route in Routes)
        {
            group.MapGet(route, (HttpContext context) => Serve(context, prefix)).WithOrder(-1).ExcludeFromDescription();
        }
    }

    /// <summary>The resource name of a request path below the prefix, or null when the path names no asset.</summary>
    public static string? ResourceName(string relativePath)
    {
        var name = relativePath.TrimStart('/');
        if (name.Length == 0)
        {
            name = "index.html";
        }

        // Resources use dots for directories; a name with either separator doubled, or ending in the source map,
        // names nothing the page uses.
        if (name.EndsWith(".map", StringComparison.OrdinalIgnoreCase) || name.Contains("..", StringComparison.Ordinal) || name.Contains("//", StringComparison.Ordinal))
        {
            return null;
        }

        var resource = ResourcePrefix + name.Replace('/', '.');
        return Package.GetManifestResourceInfo(resource) is null ? null : resource;
    }

    private static async Task Serve(HttpContext context, string prefix)
    {
        var request = context.Request;
        var response = context.Response;
        var relative = request.Path.Value!.Length > prefix.Length ? request.Path.Value[prefix.Length..] : "";

        // The page's relative references need the trailing slash: /dashboard -> /dashboard/.
        if (relative.Length == 0)
        {
            response.Redirect(request.PathBase + request.Path + "/" + request.QueryString, permanent: true);
            return;
        }

        if (ResourceName(relative) is not { } resource || Package.GetManifestResourceStream(resource) is not { } stream)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using var _ = stream;
        var contentType = ContentTypes.TryGetContentType(resource, out var type) ? type : "application/octet-stream";
        var compress = IsText(contentType) && AcceptsGzip(request);
        var etag = ETagPrefix + (compress ? "gz-" : "") + resource[ResourcePrefix.Length..] + "\"";
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = etag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (request.Headers.IfNoneMatch == etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = contentType;
        if (!compress)
        {
            response.ContentLength = stream.Length;
            await stream.CopyToAsync(response.Body, context.RequestAborted);
            return;
        }

        // Compressed on the way out: the dashboard is opened rarely, and its script is ~1 MB (~0.3 MB gzipped).
        response.Headers.ContentEncoding = "gzip";
        await using var gzip = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await stream.CopyToAsync(gzip, context.RequestAborted);
    }

    private static bool IsText(string contentType) =>
        contentType.StartsWith("text/", StringComparison.Ordinal) || contentType.Contains("javascript", StringComparison.Ordinal) || contentType.Contains("svg", StringComparison.Ordinal);

    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e => e.Quality != 0 && string.Equals(e.Value.Value, "gzip", StringComparison.OrdinalIgnoreCase));
}
