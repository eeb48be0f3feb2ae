using System.Net;
using NUnit.Framework;

namespace Dialer.Host.Tests;

public sealed class PeersApiTests : ApiFixture
{
    [Test]
    public async Task Phone_Crud_WithWriteOnlyPasswordAndETags()
    {
        var extension = UniqueExtension();
        var created = await Admin.PostJsonAsync("/api/phones",
            $$"""{"extension":"{{extension}}","displayName":"Agent","password":"secret-password","codecs":["pcma","PCMU"],"maxContacts":2}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(created.Headers.Location!.ToString(), Is.EqualTo($"/api/phones/{extension}"));
        var body = await created.Content.ReadAsStringAsync();
        Assert.That(body, Does.Not.Contain("secret-password").And.Not.Contain("ha1").And.Not.Contain("password"));

        var read = await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative));
        var etag = read.Headers.ETag!.Tag;
        var json = await read.JsonAsync();
        Assert.That(json.GetProperty("codecs").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "PCMA", "PCMU" }));
        Assert.That(json.GetProperty("realm").GetString(), Is.EqualTo("test.example"));
        Assert.That(etag, Is.EqualTo($"\"{json.GetProperty("version").GetInt64()}\""));

        var updated = await Admin.PutJsonAsync($"/api/phones/{extension}", """{"displayName":"Renamed","maxContacts":3}""", etag);
        Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(updated.Headers.ETag!.Tag, Is.Not.EqualTo(etag));
        var stale = await Admin.PutJsonAsync($"/api/phones/{extension}", """{"displayName":"Late"}""", etag);
        Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
        Assert.That($"\"{(await stale.JsonAsync()).GetProperty("currentVersion").GetInt64()}\"", Is.EqualTo(updated.Headers.ETag!.Tag),
            "412 tells the current version");

        Assert.That((await Admin.DeleteAsync(new Uri($"/api/phones/{extension}", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var gone = await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative));
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(gone.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Phone_OutboundTrunksAndCallerId_AreReadBack_AndAPutWithoutThemResetsTheDefaults()
    {
        var trunk = Unique("po");
        await Admin.PostJsonAsync("/api/trunks", TrunkJson(trunk));
        var extension = UniqueExtension();
        var plain = await (await Admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{UniqueExtension()}}","password":"long enough"}""")).JsonAsync();
        Assert.That(plain.GetProperty("outboundTrunks").GetArrayLength(), Is.Zero, "a phone calls out through no trunk unless told");
        Assert.That(plain.GetProperty("callerId").GetString(), Is.Empty);

        var created = await Admin.PostJsonAsync("/api/phones",
            $$"""{"extension":"{{extension}}","password":"long enough","outboundTrunks":["{{trunk.ToUpperInvariant()}}"],"callerId":"+15550100"}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var read = await (await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative))).JsonAsync();
        Assert.That(read.GetProperty("outboundTrunks").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { trunk }));
        Assert.That(read.GetProperty("callerId").GetString(), Is.EqualTo("+15550100"));

        var all = await Admin.PutJsonAsync($"/api/phones/{extension}", """{"outboundTrunks":["*"],"callerId":"anonymous"}""");
        Assert.That((await all.JsonAsync()).GetProperty("outboundTrunks")[0].GetString(), Is.EqualTo("*"));

        // PUT replaces the whole resource: what it leaves out takes its default.
        var reset = await Admin.PutJsonAsync($"/api/phones/{extension}", """{"displayName":"Reset"}""");
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reset.Content.ReadAsStringAsync());
        var after = await (await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative))).JsonAsync();
        Assert.That(after.GetProperty("outboundTrunks").GetArrayLength(), Is.Zero);
        Assert.That(after.GetProperty("callerId").GetString(), Is.Empty);
    }

    [Test]
    public async Task Phone_DigestAlgorithms_AreReadBackCanonical_AndAPutWithoutThemResetsToTheServerDefault()
    {
        var plain = await (await Admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{UniqueExtension()}}","password":"long enough"}""")).JsonAsync();
        Assert.That(plain.GetProperty("digestAlgorithms").GetArrayLength(), Is.Zero, "[] is the server default");

        var extension = UniqueExtension();
        var created = await Admin.PostJsonAsync("/api/phones",
            $$"""{"extension":"{{extension}}","password":"long enough","digestAlgorithms":["sha-256","Md5"]}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var read = await (await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative))).JsonAsync();
        Assert.That(read.GetProperty("digestAlgorithms").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "SHA-256", "MD5" }));

        var md5 = await Admin.PutJsonAsync($"/api/phones/{extension}", """{"digestAlgorithms":["MD5"]}""");
        Assert.That((await md5.JsonAsync()).GetProperty("digestAlgorithms").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "MD5" }));

        // PUT replaces the whole resource: without digestAlgorithms the phone is back to the server default.
        var reset = await Admin.PutJsonAsync($"/api/phones/{extension}", """{"displayName":"Reset"}""");
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reset.Content.ReadAsStringAsync());
        var after = await (await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative))).JsonAsync();
        Assert.That(after.GetProperty("digestAlgorithms").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Phone_WithAnUnknownDigestAlgorithm_Is400NamingTheElement()
    {
        var extension = UniqueExtension();
        var response = await Admin.PostJsonAsync("/api/phones",
            $$"""{"extension":"{{extension}}","password":"long enough","digestAlgorithms":["MD5","md4"]}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.ErrorFieldsAsync(), Is.EqualTo(new[] { "digestAlgorithms[1]" }));
        Assert.That((await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Phone_WithAnUnknownOutboundTrunk_Is400NamingTheElement()
    {
        var response = await Admin.PostJsonAsync("/api/phones",
            $$"""{"extension":"{{UniqueExtension()}}","password":"long enough","outboundTrunks":["{{Unique("ghost")}}"]}""");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.ErrorFieldsAsync(), Is.EqualTo(new[] { "outboundTrunks[0]" }));
    }

    [Test]
    public async Task DuplicatePhone_Is409NamingTheExtension()
    {
        var json = $$"""{"extension":"{{UniqueExtension()}}","password":"long enough"}""";
        await Admin.PostJsonAsync("/api/phones", json);
        var again = await Admin.PostJsonAsync("/api/phones", json);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await again.ErrorFieldsAsync(), Is.EqualTo(new[] { "extension" }));
    }

    [Test]
    public async Task TwoPutsWithTheSameETag_ExactlyOneWins()
    {
        var name = Unique("race");
        var created = await Admin.PostJsonAsync("/api/trunks", TrunkJson(name));
        var etag = created.Headers.ETag!.Tag;
        var puts = Enumerable.Range(0, 2).Select(i => Admin.PutJsonAsync($"/api/trunks/{name}", TrunkJson(name, 10 + i), etag));
        var statuses = (await Task.WhenAll(puts)).Select(r => r.StatusCode).ToList();
        Assert.That(statuses, Is.EquivalentTo(new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }));
    }

    [Test]
    public async Task Trunk_RoundTripsTheContractShape()
    {
        var name = Unique("shape");
        var json = $$"""
            {"name":"{{name}}","description":"d","channelCap":30,"cpsCap":10,"codecs":["PCMU","PCMA"],"dialPrefix":"",
             "acl":["203.0.113.0/24","2001:db8::/32"],"auth":{"username":"u","password":"write-only"},"callOriginHeader":"pai",
             "ruriTransform":{"strip":0,"prefix":"","params":""},"fromUser":"","fromDomain":"","active":true,
             "probe":{"intervalSeconds":30,"timeoutMs":2000,"failThreshold":3,"recoverThreshold":2,"lagMs":500,"aliveCodes":"200-499"},
             "servers":[{"host":"192.0.2.10","port":5060,"transport":"udp","scheme":"sip","outboundProxy":"","priority":1,"weight":1,"active":true}]}
            """;
        var created = await Admin.PostJsonAsync("/api/trunks", json);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var read = await (await Admin.GetAsync(new Uri($"/api/trunks/{name}", UriKind.Relative))).JsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(read.GetProperty("acl")[1].GetString(), Is.EqualTo("2001:db8::/32"));
            Assert.That(read.GetProperty("auth").GetProperty("username").GetString(), Is.EqualTo("u"));
            Assert.That(read.GetProperty("auth").TryGetProperty("password", out _), Is.False, "password is write-only");
            Assert.That(read.GetProperty("servers")[0].GetProperty("transport").GetString(), Is.EqualTo("udp"));
            Assert.That(read.GetProperty("servers")[0].GetProperty("dnsOrder").GetString(), Is.EqualTo("rfc3263"), "the default");
            Assert.That(read.GetProperty("probe").GetProperty("aliveCodes").GetString(), Is.EqualTo("200-499"));
        });
        // GET, edit, PUT back: the write-only password stays.
        var roundTrip = await Admin.PutJsonAsync($"/api/trunks/{name}", WithoutVersion(read), $"\"{read.GetProperty("version").GetInt64()}\"");
        Assert.That(roundTrip.StatusCode, Is.EqualTo(HttpStatusCode.OK), await roundTrip.Content.ReadAsStringAsync());
        Assert.That((await roundTrip.JsonAsync()).GetProperty("auth").GetProperty("username").GetString(), Is.EqualTo("u"));
    }

    [Test]
    public async Task SqlMetacharacters_ThroughTheApi_AreStoredVerbatim()
    {
        const string Nasty = "Robert'); DROP TABLE phones;-- \\\" %_`";
        var extension = UniqueExtension();
        var escaped = System.Text.Json.JsonSerializer.Serialize(Nasty);
        var created = await Admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{extension}}","displayName":{{escaped}},"password":{{escaped}}}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var read = await (await Admin.GetAsync(new Uri($"/api/phones/{extension}", UriKind.Relative))).JsonAsync();
        Assert.That(read.GetProperty("displayName").GetString(), Is.EqualTo(Nasty));
        var search = await Admin.GetAsync(new Uri($"/api/phones?q={Uri.EscapeDataString(Nasty)}", UriKind.Relative));
        Assert.That(search.Headers.GetValues("X-Total-Count").Single(), Is.EqualTo("1"));
    }

    [Test]
    public async Task Lists_PageWithATotalCount()
    {
        var marker = Unique("pg");
        for (var i = 0; i < 3; i++)
        {
            await Admin.PostJsonAsync("/api/trunks", TrunkJson($"{marker}-{i}", extra: $"\"description\":\"{marker}\","));
        }
        var page = await Admin.GetAsync(new Uri($"/api/trunks?q={marker}&limit=2&offset=1", UriKind.Relative));
        Assert.That(page.Headers.GetValues("X-Total-Count").Single(), Is.EqualTo("3"));
        Assert.That((await page.JsonAsync()).GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task Campaign_Allocations_RespectTheTrunkCap_AndHoldTheTrunk()
    {
        var trunk = Unique("ct");
        await Admin.PostJsonAsync("/api/trunks", TrunkJson(trunk, 10));
        var campaign = Unique("cc");
        var created = await Admin.PostJsonAsync("/api/campaigns",
            $$"""{"name":"{{campaign}}","allocations":[{"trunk":"{{trunk}}","reserved":6,"restriction":"MAXIMUM_LIMIT"}]}""");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var other = Unique("co");
        await Admin.PostJsonAsync("/api/campaigns", $$"""{"name":"{{other}}"}""");
        var tooMany = await Admin.PutJsonAsync($"/api/campaigns/{other}/trunks/{trunk}", """{"reserved":5}""");
        Assert.That(tooMany.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await tooMany.ErrorFieldsAsync(), Is.EqualTo(new[] { "reserved" }));
        var fits = await Admin.PutJsonAsync($"/api/campaigns/{other}/trunks/{trunk}", """{"reserved":4,"restriction":"OVERFLOW_ALLOWED"}""");
        Assert.That(fits.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var allocation = (await fits.JsonAsync()).GetProperty("allocations")[0];
        Assert.That(allocation.GetProperty("restriction").GetString(), Is.EqualTo("OVERFLOW_ALLOWED"));
        var delete = await Admin.DeleteAsync(new Uri($"/api/trunks/{trunk}", UriKind.Relative));
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await delete.JsonAsync()).GetProperty("detail").GetString(), Does.Contain(campaign));
    }

    [Test]
    public async Task Audit_RecordsWhoChangedWhat_WithSecretsMasked()
    {
        var name = Unique("aud");
        await Admin.PostJsonAsync("/api/trunks", TrunkJson(name, extra: """ "auth":{"username":"u","password":"hunter2-secret"}, """));
        var entries = await (await Admin.GetAsync(new Uri($"/api/audit?entity=trunk&key={name}", UriKind.Relative))).JsonAsync();
        var entry = entries[0];
        Assert.That(entry.GetProperty("actor").GetString(), Is.EqualTo("token:bootstrap"));
        Assert.That(entry.GetProperty("action").GetString(), Is.EqualTo("create"));
        Assert.That(entry.GetProperty("before").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        var after = entry.GetProperty("after");
        Assert.That(after.GetProperty("name").GetString(), Is.EqualTo(name));
        Assert.That(after.GetProperty("auth").GetProperty("password").GetString(), Is.EqualTo("***"));
        Assert.That(entries.GetRawText(), Does.Not.Contain("hunter2-secret"));
    }

    [Test]
    public async Task ServerDnsOrder_IsStoredShownAndAudited()
    {
        var name = Unique("dnso");
        var created = await Admin.PostJsonAsync("/api/trunks", $$"""
            {"name":"{{name}}","channelCap":2,"servers":[{"host":"sip.carrier.example","transport":"tcp","dnsOrder":"a-first"},{"host":"192.0.2.20"}]}
            """);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var read = await (await Admin.GetAsync(new Uri($"/api/trunks/{name}", UriKind.Relative))).JsonAsync();
        Assert.That(read.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("dnsOrder").GetString()), Is.EqualTo(new[] { "a-first", "rfc3263" }));
        var changed = System.Text.Json.Nodes.JsonNode.Parse(WithoutVersion(read))!;
        changed["servers"]![0]!["dnsOrder"] = "rfc3263";
        var put = await Admin.PutJsonAsync($"/api/trunks/{name}", changed.ToJsonString(), $"\"{read.GetProperty("version").GetInt64()}\"");
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        Assert.That((await put.JsonAsync()).GetProperty("servers")[0].GetProperty("dnsOrder").GetString(), Is.EqualTo("rfc3263"));
        var entries = await (await Admin.GetAsync(new Uri($"/api/audit?entity=trunk&key={name}", UriKind.Relative))).JsonAsync();
        var update = entries.EnumerateArray().First(e => e.GetProperty("action").GetString() == "update");
        Assert.That(update.GetProperty("before").GetProperty("servers")[0].GetProperty("dnsOrder").GetString(), Is.EqualTo("a-first"));
        Assert.That(update.GetProperty("after").GetProperty("servers")[0].GetProperty("dnsOrder").GetString(), Is.EqualTo("rfc3263"));
    }

    private static string WithoutVersion(System.Text.Json.JsonElement trunk)
    {
        var copy = System.Text.Json.Nodes.JsonNode.Parse(trunk.GetRawText())!.AsObject();
        copy.Remove("version");
        return copy.ToJsonString();
    }
}
