using System.Globalization;
using System.Net;
using Dialer.Peers.Storage;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Host.Tests;

/// <summary>
/// Dialer:Cluster: two real `dialer serve` nodes on one MariaDB share each trunk's cap through channel grants, learn each
/// other's bindings, hold a dead node's calls by the stated policy, and refuse to start without the shared secrets key.
/// </summary>
// Timing-sensitive and CPU-heavy (two edges, SIPp dialers and a carrier): runs alone.
[NonParallelizable]
public sealed class EdgeClusterTests
{
    private static Dictionary<string, string> Node(string name, string orphanHoldSeconds = "600") => new()
    {
        ["Dialer__Cluster__Enabled"] = "true",
        ["Dialer__Cluster__NodeId"] = name,
        ["Dialer__Cluster__HeartbeatMs"] = "300",
        ["Dialer__Cluster__DeadAfterSeconds"] = "2",
        ["Dialer__Cluster__OrphanHoldSeconds"] = orphanHoldSeconds,
        ["Dialer__Cluster__LocationPollMs"] = "200",
        ["Dialer__Edge__DialerAcl__0"] = "127.0.0.1/32",
        ["Dialer__Edge__SnapshotPollMs"] = "200",
    };

    /// <summary>
    /// A MariaDB, two clustered nodes on it with one secrets key, and a SIPp carrier logging its calls (answering each BYE
    /// to its Via, so a BYE relayed by the other node is answered to that node).
    /// </summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private Cluster(TestDatabase database, ServeProcess a, ServeProcess b, SippProcess carrier, int carrierPort)
        {
            Database = database;
            A = a;
            B = b;
            Carrier = carrier;
            CarrierPort = carrierPort;
        }

        public TestDatabase Database { get; }
        public ServeProcess A { get; }
        public ServeProcess B { get; }
        public SippProcess Carrier { get; }
        public int CarrierPort { get; }

        public static async Task<Cluster> StartAsync(string orphanHoldSeconds = "600")
        {
            var database = await TestDatabase.CreateAsync();
            var key = Convert.ToBase64String(TestKeys.NewKey());
            var a = ServeProcess.Start(database.ConnectionString, key, Node("node-a", orphanHoldSeconds));
            var b = ServeProcess.Start(database.ConnectionString, key, Node("node-b", orphanHoldSeconds));
            var port = LoopbackPorts.Free();
            var carrier = SippProcess.Start(SippScenario.Load("carrier-answer-via"),
                ["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-trace_logs"]);
            var cluster = new Cluster(database, a, b, carrier, port);
            try
            {
                Assert.That(await a.WaitHealthyAsync() && await b.WaitHealthyAsync(), Is.True, "both nodes serve");
                Assert.That(await LoopbackPorts.WaitUdpBoundAsync(port), Is.True, "the carrier listens");
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Carrier.DisposeAsync();
            await A.DisposeAsync();
            await B.DisposeAsync();
            await Database.DisposeAsync();
        }
    }

    private static async Task CreateTrunkAsync(ServeProcess node, int cap, int carrierPort, string prefix)
    {
        using var admin = node.Client();
        var created = await admin.PostJsonAsync("/api/trunks", $$"""
            {"name":"shared","channelCap":{{cap}},"dialPrefix":"{{prefix}}","servers":[{"host":"127.0.0.1","port":{{carrierPort}}}]}
            """);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        await Task.Delay(1000); // both nodes' snapshots (polled every 200 ms) have the trunk
    }

    private static Task<Sipp.Result> DialAsync(ServeProcess node, string number, int calls, int rate, int holdMs, TimeSpan within,
        string campaign = "none") => DialerLoad.RunAsync(node.SipPort, number, calls, rate, holdMs, campaign, within);

    private static async Task<System.Text.Json.JsonElement> ChannelsAsync(ServeProcess node)
    {
        using var admin = node.Client();
        var all = await (await admin.GetAsync(new Uri("/api/channels", UriKind.Relative))).JsonAsync();
        return all.EnumerateArray().Single(t => t.GetProperty("trunk").GetString() == "shared");
    }

    [Test]
    public async Task TwoNodes_TwiceTheCapOffered_TheCarrierNeverSeesMoreThanTheCap()
    {
        await using var cluster = await Cluster.StartAsync();
        var (a, b, carrier, port) = (cluster.A, cluster.B, cluster.Carrier, cluster.CarrierPort);
        await CreateTrunkAsync(a, cap: 50, port, "61");

        // 50 calls in a second through each node, held 6 s: twice the cap at once, and each node alone would fill it.
        var dialed = Task.WhenAll(DialAsync(a, "615550001", calls: 50, rate: 50, holdMs: 6000, TimeSpan.FromSeconds(60)),
            DialAsync(b, "615550002", calls: 50, rate: 50, holdMs: 6000, TimeSpan.FromSeconds(60)));

        // While every admitted call is up and none starts or ends, the nodes, the cluster's grants and the carrier agree.
        await Task.Delay(3000);
        var up = CarrierLog.Concurrency(carrier.LogLines()).Open;
        var (heldA, heldB) = ((await ChannelsAsync(a)).GetProperty("inUse").GetInt32(), (await ChannelsAsync(b)).GetProperty("inUse").GetInt32());
        var total = (await ClusterAsync(b)).GetProperty("trunks").EnumerateArray().Single(t => t.GetProperty("trunk").GetString() == "shared");
        Assert.Multiple(() =>
        {
            Assert.That(heldA + heldB, Is.EqualTo(up), "both nodes' calls in use are the calls up at the carrier");
            Assert.That(total.GetProperty("inUse").GetInt32(), Is.EqualTo(up), "and the cluster's total says the same");
            Assert.That(total.GetProperty("granted").GetInt32(), Is.InRange(up, 50), "the grants cover the calls, within the cap");
        });

        var results = await dialed;
        await Task.Delay(500);
        var (peak, calls, open) = CarrierLog.Concurrency(carrier.LogLines());
        var (onA, onB) = (await ChannelsAsync(a), await ChannelsAsync(b));
        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.LessThanOrEqualTo(50), "the carrier never saw more than the cap across both nodes");
            Assert.That(peak, Is.GreaterThanOrEqualTo(40), "and the cap was used, not shared out into idle halves");
            Assert.That(open, Is.Zero, "every call the carrier got was ended");
            Assert.That(onA.GetProperty("admitted").GetInt64() + onB.GetProperty("admitted").GetInt64(), Is.EqualTo(calls), "the nodes admitted what the carrier got");
            Assert.That(onA.GetProperty("admitted").GetInt64(), Is.GreaterThan(0), results[0].Output);
            Assert.That(onB.GetProperty("admitted").GetInt64(), Is.GreaterThan(0), results[1].Output);
            Assert.That(onA.GetProperty("inUse").GetInt32() + onB.GetProperty("inUse").GetInt32(), Is.Zero, "no channel left charged");
        });
        // Once idle, the nodes give their grants back at the next heartbeats.
        System.Text.Json.JsonElement grants = default;
        Assert.That(await Eventually.TrueAsync(async () =>
        {
            grants = (await ClusterAsync(a)).GetProperty("grants");
            return grants.EnumerateArray().All(g => g.GetProperty("granted").GetInt32() == 0 && g.GetProperty("inUse").GetInt32() == 0);
        }, TimeSpan.FromSeconds(5)), Is.True, "idle nodes hold no channels: " + grants);
        Assert.That(grants.EnumerateArray().Select(g => g.GetProperty("node").GetString()).Distinct(), Is.EquivalentTo(new[] { "node-a", "node-b" }));
    }

    private static async Task<System.Text.Json.JsonElement> ClusterAsync(ServeProcess node)
    {
        using var admin = node.Client();
        return await (await admin.GetAsync(new Uri("/api/cluster", UriKind.Relative))).JsonAsync();
    }

    [Test]
    public async Task CampaignWithMaximumLimit_NeverPassesItAcrossBothNodes()
    {
        await using var cluster = await Cluster.StartAsync();
        var (a, b, carrier, port) = (cluster.A, cluster.B, cluster.Carrier, cluster.CarrierPort);
        await CreateTrunkAsync(a, cap: 30, port, "63");
        using (var admin = a.Client())
        {
            Assert.That((await admin.PostJsonAsync("/api/campaigns",
                """{"name":"strict","allocations":[{"trunk":"shared","reserved":10,"restriction":"MAXIMUM_LIMIT"}]}""")).StatusCode,
                Is.EqualTo(HttpStatusCode.Created));
        }
        await Task.Delay(1000); // both nodes have the campaign

        // The strict campaign is dialled through both nodes at once, far past its 10 (the trunk itself has room for 30).
        await Task.WhenAll(
            DialAsync(a, "635550001", calls: 60, rate: 15, holdMs: 1500, TimeSpan.FromSeconds(40), campaign: "strict"),
            DialAsync(b, "635550002", calls: 60, rate: 15, holdMs: 1500, TimeSpan.FromSeconds(40), campaign: "strict"));
        await Task.Delay(500);
        var (peak, calls, open) = CarrierLog.Concurrency(carrier.LogLines());
        var (onA, onB) = (await ChannelsAsync(a), await ChannelsAsync(b));
        static long Refused(System.Text.Json.JsonElement node) => node.GetProperty("rejected").GetProperty("allocation").GetInt64();
        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.InRange(8, 10), "MAXIMUM_LIMIT 10 held across both nodes, and was used");
            Assert.That(open, Is.Zero);
            Assert.That(Refused(onA) + Refused(onB), Is.EqualTo(120 - calls), "every call not carried was refused for the allocation");
        });
    }

    [Test]
    public async Task DeadNode_ItsIdleChannelsReturnAtOnce_ItsCallsStayChargedForTheOrphanHold()
    {
        await using var cluster = await Cluster.StartAsync(orphanHoldSeconds: "8");
        var (a, b, carrier, port) = (cluster.A, cluster.B, cluster.Carrier, cluster.CarrierPort);
        await CreateTrunkAsync(a, cap: 10, port, "62");

        // Node A carries 8 calls, 4 of them short: its grant grows to 8, then shrinks back to the 4 long calls at an idle
        // heartbeat. Then it dies without a word.
        var longCalls = DialAsync(a, "625550001", calls: 4, rate: 10, holdMs: 18_000, TimeSpan.FromSeconds(25));
        await DialAsync(a, "625550009", calls: 4, rate: 10, holdMs: 500, TimeSpan.FromSeconds(10));
        var store = new LeaseStore(cluster.Database.Database, "observer", new LeasePolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8)));
        Assert.That(await Eventually.TrueAsync(async () => (await store.AllAsync()).Any(g => g.Node == "node-a" && g.Grant is { Granted: 4, InUse: 4 }),
            TimeSpan.FromSeconds(10)), Is.True, "node A holds its 4 calls and gave the rest back");
        Assert.That(CarrierLog.Concurrency(carrier.LogLines()).Calls, Is.EqualTo(8));
        await a.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // dead after 2 s without a heartbeat

        // Within the orphan hold: B may use the cap less A's 4 calls; the channels A had given back are B's at once.
        await DialAsync(b, "625550002", calls: 10, rate: 50, holdMs: 2000, TimeSpan.FromSeconds(30));
        var first = await ChannelsAsync(b);
        Assert.That(first.GetProperty("admitted").GetInt64(), Is.EqualTo(6), "6 of 10: the dead node's 4 calls still count");

        // After the hold (8 s from A's last heartbeat) they no longer do.
        await Task.Delay(TimeSpan.FromSeconds(6));
        await DialAsync(b, "625550003", calls: 10, rate: 50, holdMs: 2000, TimeSpan.FromSeconds(30));
        var second = await ChannelsAsync(b);
        Assert.Multiple(() =>
        {
            Assert.That(second.GetProperty("admitted").GetInt64() - 6, Is.EqualTo(10), "all 10 once the hold is over");
            Assert.That(second.GetProperty("inUse").GetInt32(), Is.Zero);
        });
        await longCalls; // its BYEs went to the dead node: it fails, and ends within its time limit
    }

    [Test]
    public async Task PhoneRegisteredAtOneNode_IsCalledThroughTheOther_WhichHandsTheCallToIt()
    {
        await using var cluster = await Cluster.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        var extension = await CreatePhoneAsync(a, "cluster-password");
        var answering = LoopbackPorts.Free();
        var registered = await SippPhone.RunAsync("register", a.SipPort,
            new SippPhone.Values { Extension = extension, Password = "cluster-password", ContactPort = answering });
        Assert.That(registered.ExitCode, Is.Zero, registered.Output);

        // Within a second node B has the binding. Called, B hands the call to A, whose address the phone registered
        // from (its NAT would let only A in); A rings it, records the route and takes the dialer's ACK and BYE itself.
        await Task.Delay(1000);
        var phone = SippPhone.RunAsync("phone-answer-via", null, new SippPhone.Values { LocalPort = answering });
        Assert.That(await LoopbackPorts.WaitUdpBoundAsync(answering), Is.True, "the phone listens");
        var caller = await SippPhone.RunAsync("dialer-call-routed", b.SipPort, new SippPhone.Values { Extension = extension, RoutePort = a.SipPort });
        Assert.That(caller.ExitCode, Is.Zero, "node B handed the call to node A, and A ended it: " + caller.Output);
        var answered = await phone;
        Assert.That(answered.ExitCode, Is.Zero, "the phone got the INVITE, the ACK and the BYE from A: " + answered.Output);
        Assert.That(await Eventually.TrueAsync(async () => await LiveDialogsAsync(a) == 0 && await LiveDialogsAsync(b) == 0, TimeSpan.FromSeconds(3)),
            Is.True, "the call ended on both nodes");
    }

    [Test]
    public async Task TrunkCallThroughOneNode_HungUpThroughTheOther_FreesItsChannelOnce()
    {
        await using var cluster = await Cluster.StartAsync();
        var (a, b, carrier, port) = (cluster.A, cluster.B, cluster.Carrier, cluster.CarrierPort);
        await CreateTrunkAsync(a, cap: 1, port, "64");

        var call = await SippPhone.RunAsync("dialer-call-elsewhere", b.SipPort,
            new SippPhone.Values { Extension = "645550001", ByePort = a.SipPort, HoldMs = 1000 });
        Assert.That(call.ExitCode, Is.Zero, "B carried the call, A relayed its BYE to the carrier and the answer back: " + call.Output);
        Assert.That(await Eventually.TrueAsync(async () => (await ChannelsAsync(b)).GetProperty("inUse").GetInt32() == 0, TimeSpan.FromSeconds(3)),
            Is.True, "B freed the channel when A told it the call was over");

        // The one channel is free for the next call, on either node, and was freed once: the cap still holds at 1.
        var next = await DialAsync(b, "645550002", calls: 3, rate: 10, holdMs: 1500, TimeSpan.FromSeconds(20));
        var (peak, calls, open) = CarrierLog.Concurrency(carrier.LogLines());
        var (onA, onB) = (await ChannelsAsync(a), await ChannelsAsync(b));
        Assert.Multiple(() =>
        {
            Assert.That(peak, Is.EqualTo(1), "never two calls on a cap of 1");
            Assert.That(calls, Is.EqualTo(2), "the first call, and one of the three: " + next.Output);
            Assert.That(open, Is.Zero);
            Assert.That(onB.GetProperty("admitted").GetInt64(), Is.EqualTo(2));
            Assert.That(onA.GetProperty("inUse").GetInt32() + onB.GetProperty("inUse").GetInt32(), Is.Zero);
        });
    }

    [Test]
    public async Task DeadNodesCall_HungUpThroughTheSurvivor_ReturnsItsChannelAtOnce()
    {
        await using var cluster = await Cluster.StartAsync(orphanHoldSeconds: "600");
        var (a, b, carrier, port) = (cluster.A, cluster.B, cluster.Carrier, cluster.CarrierPort);
        await CreateTrunkAsync(a, cap: 1, port, "65");

        // B carries the only channel's call and dies in the middle of it; the dialer's BYE then reaches A.
        var call = SippPhone.RunAsync("dialer-call-elsewhere", b.SipPort,
            new SippPhone.Values { Extension = "655550001", ByePort = a.SipPort, HoldMs = 6000 });
        Assert.That(await Eventually.TrueAsync(async () => (await ChannelsAsync(b)).GetProperty("inUse").GetInt32() == 1, TimeSpan.FromSeconds(5)), Is.True);
        await Task.Delay(700); // the dialog's row is written
        await b.KillAsync();
        var hungUp = await call;
        Assert.That(hungUp.ExitCode, Is.Zero, "A relayed the dead node's BYE: " + hungUp.Output);

        // Without that BYE the channel would stay charged for the 600 s orphan hold; with it, A may use it at once.
        await Task.Delay(500);
        var next = await DialAsync(a, "655550002", calls: 1, rate: 1, holdMs: 500, TimeSpan.FromSeconds(15));
        var (peak, calls, open) = CarrierLog.Concurrency(carrier.LogLines());
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(2), "A admitted a call on the channel the dead node's call freed: " + next.Output);
            Assert.That(peak, Is.EqualTo(1));
            Assert.That(open, Is.Zero);
        });
    }

    [Test]
    public async Task PhoneOnATcpConnectionToOneNode_IsCalledThroughTheOther_OverThatConnection()
    {
        await using var cluster = await Cluster.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        var extension = await CreatePhoneAsync(a, "baresip-password");

        // baresip registers with node A over TCP: only A's socket reaches it. Node B, called, hands the call to A.
        await using var phone = Baresip.Start($"<sip:{extension}@127.0.0.1:{a.SipPort};transport=tcp>;auth_pass=baresip-password;answermode=auto");
        Assert.That(await phone.WaitForOutputAsync("200 OK", TimeSpan.FromSeconds(10)), Is.True, "baresip registered: " + phone.Output);
        Assert.That(await Eventually.TrueAsync(async () => (await RegistrationsAsync(b)).Contains(extension), TimeSpan.FromSeconds(3)), Is.True,
            "node B has the binding");
        Assert.That(await RegistrationsAsync(b), Does.Contain("\"node\":\"node-a\""), "held by node A");
        // The 200's Record-Route names A only: B is not in the call, and the dialer's ACK and BYE go to A.
        var dialer = await SippPhone.RunAsync("dialer-call-routed", b.SipPort, new SippPhone.Values { Extension = extension, RoutePort = a.SipPort });
        Assert.Multiple(async () =>
        {
            Assert.That(dialer.ExitCode, Is.Zero, dialer.Output + "\n--- baresip ---\n" + phone.Output);
            Assert.That(phone.Output, Does.Contain("Call established"));
            Assert.That(phone.Output, Does.Contain($"Via: SIP/2.0/TCP 127.0.0.1:{a.SipPort};branch="), "A sent the INVITE over the phone's connection");
            Assert.That(await Eventually.TrueAsync(async () => await LiveDialogsAsync(a) == 0 && await LiveDialogsAsync(b) == 0, TimeSpan.FromSeconds(3)),
                Is.True, "the call ended on both nodes");
        });
    }

    /// <summary>A new phone with a random extension, created through <paramref name="node"/> and known to both nodes.</summary>
    private static async Task<string> CreatePhoneAsync(ServeProcess node, string password)
    {
        using var admin = node.Client();
        var extension = Random.Shared.Next(30_000_000, 49_999_999).ToString(CultureInfo.InvariantCulture);
        Assert.That((await admin.PostJsonAsync("/api/phones", $$"""{"extension":"{{extension}}","password":"{{password}}"}""")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));
        await Task.Delay(1000); // both nodes' snapshots (polled every 200 ms) have the phone
        return extension;
    }

    private static async Task<string> RegistrationsAsync(ServeProcess node)
    {
        using var admin = node.Client();
        return await admin.GetStringAsync(new Uri("/api/registrations", UriKind.Relative));
    }

    private static async Task<int> LiveDialogsAsync(ServeProcess node)
    {
        using var admin = node.Client();
        var metrics = await admin.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"\ndialer_edge_dialogs(\{[^}]*\})? ([0-9]+)");
        Assert.That(match.Success, Is.True, "the dialogs gauge is on /metrics");
        return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [Test]
    public async Task ClusteredNode_WithoutTheSharedSecretsKey_RefusesToStart_SayingWhy()
    {
        await using var database = await TestDatabase.CreateAsync();
        var missing = Path.Combine(Path.GetTempPath(), $"no-key-{Guid.NewGuid():N}.key");
        var node = Node("lonely");
        node["Dialer__Secrets__KeyFile"] = missing;
        await using var serve = ServeProcess.Start(database.ConnectionString, "", node);
        Assert.That(await serve.WaitHealthyAsync(), Is.False, "it never serves");
        var (exitCode, _, errors) = await serve.StopAsync();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Not.Zero);
            Assert.That(errors, Does.Contain("Dialer:Cluster:Enabled needs the cluster's one secrets key"));
            Assert.That(File.Exists(missing), Is.False, "no key of its own was made");
        });
    }
}
