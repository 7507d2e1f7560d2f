using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>The dashboard's assets, served by the gateway from the package's embedded resources rather than from the package's in-memory copy.</summary>
public sealed class DashboardAssetsTests(AdminAccessTests.Gateway fixture) : IClassFixture<AdminAccessTests.Gateway>
{
    private static readonly Assembly Package = typeof(DashboardOptions).Assembly;

    [Theory]
    [InlineData("/dashboard/", "index.html", "text/html")]
    [InlineData("/dashboard/index.html", "index.html", "text/html")]
    [InlineData("/dashboard/index.min.js", "index.min.js", "text/javascript")]
    [InlineData("/dashboard/index.css", "index.css", "text/css")]
    [InlineData("/dashboard/favicon.ico", "favicon.ico", "image/x-icon")]
    [InlineData("/dashboard/fonts/fa-solid-900.woff2", "fonts.fa-solid-900.woff2", "font/woff2")]
    [InlineData("/dashboard/img/OrleansLogo.png", "img.OrleansLogo.png", "image/png")]
    public async Task EachAssetIsTheEmbeddedResourceByteForByte(string path, string resource, string contentType)
    {
        var expected = Resource(resource);
        using var http = AdminClient();
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/dashboard/index.min.js", "index.min.js")]
    [InlineData("/dashboard/index.css", "index.css")]
    public async Task TextAssetsAreGzippedWhenTheBrowserAcceptsIt(string path, string resource)
    {
        using var http = AdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        var compressed = await response.Content.ReadAsByteArrayAsync();
        using var gunzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gunzip.CopyToAsync(plain);
        var expected = Resource(resource);
        Assert.Equal(expected, plain.ToArray());
        Assert.True(compressed.Length < expected.Length / 2, $"{compressed.Length} of {expected.Length} bytes");
    }

    [Fact]
    public async Task ARepeatedRequestWithItsETagGetsNotModified()
    {
        using var http = AdminClient();
        using var first = await http.GetAsync("/dashboard/index.min.js");
        var etag = first.Headers.ETag!;
        Assert.Contains("no-cache", first.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/index.min.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // The gzipped form is another representation, with its own tag.
        using var gzipped = new HttpRequestMessage(HttpMethod.Get, "/dashboard/index.min.js");
        gzipped.Headers.AcceptEncoding.ParseAdd("gzip");
        gzipped.Headers.IfNoneMatch.Add(etag);
        using var full = await http.SendAsync(gzipped);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.NotEqual(etag, full.Headers.ETag);
    }

    [Theory]
    [InlineData("/dashboard/index.min.js.map")]
    [InlineData("/dashboard/fonts/index.min.js.map")]
    [InlineData("/dashboard/fonts/missing.woff2")]
    [InlineData("/dashboard/img/..index.html")]
    [InlineData("/dashboard/img/../index.min.js.map")]
    public async Task TheSourceMapAndUnknownNamesAreNotFound(string path)
    {
        using var http = AdminClient();
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheDashboardWithoutItsSlashRedirectsToIt()
    {
        using var http = AdminClient();
        using var response = await http.GetAsync("/dashboard?x=1");
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/dashboard/?x=1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AssetsNeedTheAdminCredentialsLikeTheRestOfTheDashboard()
    {
        using var http = fixture.Server.CreateClient();
        using var response = await http.GetAsync("/dashboard/index.min.js");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void ThePackagesOwnAssetProviderHoldsNothing()
    {
        // The dashboard's routes resolve its provider; built normally it would hold every asset twice.
        var type = Package.GetType("Orleans.Dashboard.EmbeddedAssetProvider", throwOnError: true)!;
        var provider = fixture.Server.Services.GetRequiredService(type);
        var fields = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.NotEmpty(fields);
        Assert.All(fields, field => Assert.Null(field.GetValue(provider)));
    }

    private HttpClient AdminClient()
    {
        var http = fixture.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminAccessTests.Password);
        return http;
    }

    private static byte[] Resource(string name)
    {
        using var stream = Package.GetManifestResourceStream("Orleans.Dashboard.wwwroot." + name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
