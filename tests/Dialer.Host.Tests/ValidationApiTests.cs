using System.Net;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>Every validation rule through HTTP: a 400 problem whose "errors" names exactly the bad field.</summary>
public sealed class ValidationApiTests : ApiFixture
{
    private const string Phone = """ "extension":"2001","password":"long enough" """;
    private const string OneServer = """ "servers":[{"host":"192.0.2.10","port":5060}] """;

    [OneTimeSetUp]
    public async Task CreatePeersToChange()
    {
        Assert.That((await Admin.PostJsonAsync("/api/phones", """{"extension":"5550001","password":"long enough"}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Admin.PostJsonAsync("/api/trunks", TrunkJson("vt", 10))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((await Admin.PostJsonAsync("/api/campaigns", """{"name":"vc"}""")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    // Phones
    [TestCase("POST", "/api/phones", """{"password":"long enough"}""", "extension")]
    [TestCase("POST", "/api/phones", """{"extension":"12a","password":"long enough"}""", "extension")]
    [TestCase("POST", "/api/phones", """{"extension":"123456789012345678901","password":"long enough"}""", "extension")]
    [TestCase("POST", "/api/phones", """{"extension":"2001"}""", "password")]
    [TestCase("POST", "/api/phones", """{"extension":"2001","password":"short"}""", "password")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","displayName":"bell\u0007"}""", "displayName")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","authUsername":"no spaces"}""", "authUsername")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","realm":"quo\"te"}""", "realm")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","codecs":[]}""", "codecs")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","codecs":["speex"]}""", "codecs[0]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","codecs":["PCMU","pcmu"]}""", "codecs[1]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","codecs":["telephone-event"]}""", "codecs")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","maxContacts":0}""", "maxContacts")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","maxContacts":101}""", "maxContacts")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","maxContacts":"two"}""", "maxContacts")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","active":"yes"}""", "active")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","sipPassword":"x"}""", "sipPassword")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","outboundTrunks":["nope"]}""", "outboundTrunks[0]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","outboundTrunks":["vt","nope"]}""", "outboundTrunks[1]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","outboundTrunks":["*","vt"]}""", "outboundTrunks[0]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","outboundTrunks":["vt","VT"]}""", "outboundTrunks[1]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","outboundTrunks":"vt"}""", "outboundTrunks")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","callerId":"5550100x"}""", "callerId")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","callerId":"123456789012345678901234567890123"}""", "callerId")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","digestAlgorithms":["MD5","md4"]}""", "digestAlgorithms[1]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","digestAlgorithms":["SHA-256","sha-256"]}""", "digestAlgorithms[1]")]
    [TestCase("POST", "/api/phones", "{" + Phone + ""","digestAlgorithms":"MD5"}""", "digestAlgorithms")]
    [TestCase("PUT", "/api/phones/5550001", """{"outboundTrunks":["nope"]}""", "outboundTrunks[0]")]
    [TestCase("PUT", "/api/phones/5550001", """{"digestAlgorithms":["SHA-512"]}""", "digestAlgorithms[0]")]
    [TestCase("PUT", "/api/phones/5550001", """{"extension":"5550002"}""", "extension")]
    [TestCase("PUT", "/api/phones/5550001", """{"realm":"elsewhere"}""", "password")]
    // Trunks
    [TestCase("POST", "/api/trunks", """{"channelCap":1,""" + OneServer + "}", "name")]
    [TestCase("POST", "/api/trunks", """{"name":"has space","channelCap":1,""" + OneServer + "}", "name")]
    [TestCase("POST", "/api/trunks", """{"name":"-dash","channelCap":1,""" + OneServer + "}", "name")]
    [TestCase("POST", "/api/trunks", """{"name":"t",""" + OneServer + "}", "channelCap")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":0,""" + OneServer + "}", "channelCap")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"cpsCap":-1,""" + OneServer + "}", "cpsCap")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"dialPrefix":"9a",""" + OneServer + "}", "dialPrefix")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"codecs":["G729","iLBC"],""" + OneServer + "}", "codecs[1]")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"acl":["10.0.0.5/24"],""" + OneServer + "}", "acl[0]")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"acl":["2001:db8::/129"],""" + OneServer + "}", "acl[0]")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"acl":["10.0.0.0/8","10.0.0.0/8"],""" + OneServer + "}", "acl[1]")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"auth":{"password":"x"},""" + OneServer + "}", "auth.username")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"auth":{"username":"u"},""" + OneServer + "}", "auth.password")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"auth":{"username":"u","password":""},""" + OneServer + "}", "auth.password")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"callOriginHeader":"diversion",""" + OneServer + "}", "callOriginHeader")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"ruriTransform":{"strip":33},""" + OneServer + "}", "ruriTransform.strip")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"ruriTransform":{"prefix":"12a"},""" + OneServer + "}", "ruriTransform.prefix")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"ruriTransform":{"params":"a b"},""" + OneServer + "}", "ruriTransform.params")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"fromUser":"a b",""" + OneServer + "}", "fromUser")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"fromDomain":"under_score.example",""" + OneServer + "}", "fromDomain")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"probe":{"intervalSeconds":0},""" + OneServer + "}", "probe.intervalSeconds")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"probe":{"intervalSeconds":1,"timeoutMs":1000},""" + OneServer + "}", "probe.timeoutMs")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"probe":{"failThreshold":0},""" + OneServer + "}", "probe.failThreshold")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"probe":{"recoverThreshold":101},""" + OneServer + "}", "probe.recoverThreshold")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"probe":{"lagMs":-1},""" + OneServer + "}", "probe.lagMs")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"probe":{"aliveCodes":"2xx"},""" + OneServer + "}", "probe.aliveCodes")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1}""", "servers")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[]}""", "servers")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"port":5060}]}""", "servers[0].host")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"bad_host"}]}""", "servers[0].host")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","port":0}]}""", "servers[0].port")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","port":65536}]}""", "servers[0].port")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","transport":"sctp"}]}""", "servers[0].transport")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","scheme":"sips"}]}""", "servers[0].scheme")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1"},{"host":"sip.example","dnsOrder":"srv-first"}]}""", "servers[1].dnsOrder")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","scheme":"http"}]}""", "servers[0].scheme")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","outboundProxy":"sip:bad host"}]}""", "servers[0].outboundProxy")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","priority":-1}]}""", "servers[0].priority")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","weight":70000}]}""", "servers[0].weight")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1"},{"host":"192.0.2.1"}]}""", "servers[1]")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":[{"host":"192.0.2.1","ttl":5}]}""", "servers[0].ttl")]
    [TestCase("PUT", "/api/trunks/vt", """{"name":"other","channelCap":1,""" + OneServer + "}", "name")]
    // Campaigns and allocations
    [TestCase("POST", "/api/campaigns", """{"name":"a/b"}""", "name")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","allocations":[{"reserved":1}]}""", "allocations[0].trunk")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","allocations":[{"trunk":"vt","reserved":-1}]}""", "allocations[0].reserved")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","allocations":[{"trunk":"vt","reserved":1,"restriction":"SOMETIMES"}]}""", "allocations[0].restriction")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","allocations":[{"trunk":"vt","reserved":11}]}""", "allocations[0].reserved")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","allocations":[{"trunk":"nope","reserved":1}]}""", "allocations[0].trunk")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","allocations":[{"trunk":"vt","reserved":1},{"trunk":"VT","reserved":1}]}""", "allocations[1].trunk")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","retries":-1}""", "retries")]
    [TestCase("POST", "/api/campaigns", """{"name":"c","retryDelaySeconds":0}""", "retryDelaySeconds")]
    [TestCase("PUT", "/api/campaigns/vc/trunks/vt", """{}""", "reserved")]
    [TestCase("PUT", "/api/campaigns/vc/trunks/vt", """{"reserved":11}""", "reserved")]
    [TestCase("PUT", "/api/campaigns/vc/trunks/vt", """{"reserved":1,"restriction":"NONE"}""", "restriction")]
    [TestCase("PUT", "/api/campaigns/vc/trunks/nope", """{"reserved":1}""", "trunk")]
    // Bodies that are not the resource at all
    [TestCase("POST", "/api/phones", """{"extension":"2001","password":"long enough",}""", "body")]
    [TestCase("POST", "/api/phones", """[1,2]""", "body")]
    [TestCase("POST", "/api/phones", """null""", "body")]
    [TestCase("POST", "/api/phones", """{"extension":"2001","extension":"2002","password":"long enough"}""", "extension")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1.5,""" + OneServer + "}", "channelCap")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"servers":{"host":"x"}}""", "servers")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"tls":{"caFile":"ca.pem"},""" + OneServer + "}", "tls.caFile")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"tls":{"caFile":"/etc/ca.pem","skipVerify":true},""" + OneServer + "}", "tls.skipVerify")]
    [TestCase("POST", "/api/trunks", """{"name":"t","channelCap":1,"tls":{"serverName":"bad name"},""" + OneServer + "}", "tls.serverName")]
    public async Task BadInput_Is400NamingTheField(string method, string path, string json, string field)
    {
        var response = method == "POST" ? await Admin.PostJsonAsync(path, json) : await Admin.PutJsonAsync(path, json);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.ErrorFieldsAsync(), Does.Contain(field));
    }

    [TestCase("/api/phones?limit=0", "limit")]
    [TestCase("/api/phones?limit=abc", "limit")]
    [TestCase("/api/trunks?limit=100000", "limit")]
    [TestCase("/api/trunks?offset=-1", "offset")]
    [TestCase("/api/campaigns?active=maybe", "active")]
    [TestCase("/api/audit?entity=planet", "entity")]
    [TestCase("/api/audit?before=x", "before")]
    public async Task BadQuery_Is400NamingTheParameter(string path, string field)
    {
        var response = await Admin.GetAsync(new Uri(path, UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.ErrorFieldsAsync(), Is.EqualTo(new[] { field }));
    }

    [Test]
    public async Task NonJsonBody_Is415()
    {
        var response = await Admin.PostAsync(new Uri("/api/phones", UriKind.Relative), new StringContent("extension=1", System.Text.Encoding.UTF8, "text/plain"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That((await response.JsonAsync()).GetProperty("status").GetInt32(), Is.EqualTo(415));
    }

    [Test]
    public async Task BadIfMatch_Is400NamingTheHeader()
    {
        var response = await Admin.PutJsonAsync("/api/phones/5550001", """{"displayName":"x"}""", ifMatch: "yesterday");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.ErrorFieldsAsync(), Is.EqualTo(new[] { "If-Match" }));
    }

    [Test]
    public async Task UnknownRoute_IsAProblem404()
    {
        var response = await Admin.GetAsync(new Uri("/api/nothing-here", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
    }
}
