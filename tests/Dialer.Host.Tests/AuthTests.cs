using System.Net;
using System.Net.Http.Json;
using NUnit.Framework;

namespace Dialer.Host.Tests;

public sealed class AuthTests : ApiFixture
{
    [Test]
    public async Task Healthz_And_OpenApi_NeedNoToken()
    {
        using var anonymous = Server.Client(token: null);
        var health = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await health.JsonAsync()).GetProperty("database").GetString(), Is.EqualTo("up"));
        var openApi = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.That(openApi.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await openApi.JsonAsync()).GetProperty("paths").TryGetProperty("/api/trunks", out _), Is.True);
    }

    [TestCase(null)]
    [TestCase("wrong-token")]
    [TestCase("")]
    public async Task Api_WithoutAValidToken_Is401ProblemWithChallenge(string? token)
    {
        using var client = Server.Client(token: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/trunks", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }
        var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await response.JsonAsync()).GetProperty("status").GetInt32(), Is.EqualTo(401));
    }

    [Test]
    public async Task ViewerToken_ReadsButCannotWrite_AndRevokedTokensStopWorking()
    {
        var name = Unique("viewer");
        var created = await Admin.PostJsonAsync("/api/tokens", $$"""{"name":"{{name}}","role":"viewer"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var token = (await created.JsonAsync()).GetProperty("token").GetString()!;
        using var viewer = Server.Client(token);
        Assert.That((await viewer.GetAsync(new Uri("/api/trunks", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var write = await viewer.PostJsonAsync("/api/trunks", TrunkJson(Unique("t")));
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await write.JsonAsync()).GetProperty("title").GetString(), Is.EqualTo("Forbidden"));
        Assert.That((await viewer.GetAsync(new Uri("/api/tokens", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var listed = await Admin.GetFromJsonAsync<TokenListItem[]>(new Uri("/api/tokens", UriKind.Relative));
        Assert.That(listed!.Single(t => t.Name == name).Token, Is.Null, "a token is shown only once");
        Assert.That((await Admin.DeleteAsync(new Uri($"/api/tokens/{name}", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await viewer.GetAsync(new Uri("/api/trunks", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task AdminToken_CreatedThroughTheApi_CanWrite()
    {
        var created = await Admin.PostJsonAsync("/api/tokens", $$"""{"name":"{{Unique("adm")}}","role":"admin"}""");
        using var admin = Server.Client((await created.JsonAsync()).GetProperty("token").GetString());
        var write = await admin.PostJsonAsync("/api/trunks", TrunkJson(Unique("t")));
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Token_WithBadRole_IsNamed()
    {
        var response = await Admin.PostJsonAsync("/api/tokens", """{"name":"x","role":"root"}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.ErrorFieldsAsync(), Is.EqualTo(new[] { "role" }));
    }

    private sealed record TokenListItem(string Name, string Role, string? Token);
}
