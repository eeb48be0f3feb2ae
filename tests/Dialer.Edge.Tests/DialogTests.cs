using System.Net;
using System.Text;
using Dialer.Edge.Dialogs;
using Dialer.Edge.Trunks;
using Dialer.Peers.Model;
using Dialer.Peers.Validation;
using Dialer.Sip.Transport;
using Dialer.Testing;
using NUnit.Framework;

namespace Dialer.Edge.Tests;

/// <summary>Dialogs as pure types on a manual clock: tokens, direction and sides, and the one place a channel is released.</summary>
public sealed class DialogTests
{
    private static readonly byte[] s_callId = Encoding.ASCII.GetBytes("call-1@dialer");
    private static readonly SipEndpoint s_dialer = Udp("192.0.2.1", 5070);
    private static readonly SipEndpoint s_carrier = Udp("198.51.100.7", 5060);

    private static SipEndpoint Udp(string ip, int port) => new(SipProtocol.Udp, new IPEndPoint(IPAddress.Parse(ip), port));

    private static Trunk TrunkWith(int cap, params string[] acl) => PeerValidator.Trunk(new TrunkInput
    {
        Name = "carrier-a",
        ChannelCap = cap,
        Acl = [.. acl],
        Servers = [new TrunkServerInput { Host = "198.51.100.7", Port = 5060 }],
    }, null);

    [Test]
    public void Token_VerifiesOnlyForItsCallId_AndOnlyWithTheKey()
    {
        var key = new byte[32];
        key[0] = 1;
        var token = new DialogToken(key);
        var issued = token.Issue("0123456789abcdef", s_callId);
        Assert.That(token.TryVerify(issued, s_callId, out var id), Is.True);
        Assert.That(id, Is.EqualTo("0123456789abcdef"));
        Assert.That(token.TryVerify(issued, "call-2@dialer"u8, out _), Is.False, "transplanted to another call");
        Assert.That(new DialogToken(new byte[32]).TryVerify(issued, s_callId, out _), Is.False, "another key");
        var altered = issued[..^1] + (issued[^1] == '0' ? '1' : '0');
        Assert.That(token.TryVerify(altered, s_callId, out _), Is.False, "one hex digit changed");
        Assert.That(token.TryVerify(null, s_callId, out _), Is.False);
        Assert.That(token.TryVerify("0123456789abcdef.zz", s_callId, out _), Is.False);
    }

    [Test]
    public void Token_DerivedKey_IsTheSameForTheSameSecretsKey()
    {
        var secrets = TestKeys.NewKey();
        var first = new DialogToken(DialogToken.DeriveKey(secrets)).Issue("0123456789abcdef", s_callId);
        Assert.That(new DialogToken(DialogToken.DeriveKey(secrets)).TryVerify(first, s_callId, out _), Is.True, "a restarted node or a second node");
        Assert.That(new DialogToken(DialogToken.DeriveKey(TestKeys.NewKey())).TryVerify(first, s_callId, out _), Is.False);
    }

    [Test]
    public void Direction_ComesFromTheTags_AndEachSideOnlyFromItsOwnAddress()
    {
        var (table, _, _) = Table();
        var dialog = table.TryCreate(new DialogStart(s_callId, "from-dialer", DialogKind.Trunk, new DialogParty(s_dialer, s_dialer)) { Trunk = TrunkWith(1, "203.0.113.0/24") })!;
        Assert.That(dialog.OnCalleeResponse("to-carrier", new DialogParty(s_carrier, Udp("198.51.100.8", 5060)), confirmed: true, DateTimeOffset.UnixEpoch), Is.True);

        var fromCaller = dialog.Direction("from-dialer", "to-carrier");
        Assert.That(fromCaller?.Side, Is.EqualTo(DialogSide.Caller));
        var fromCallee = dialog.Direction("to-carrier", "from-dialer");
        Assert.That(fromCallee?.Side, Is.EqualTo(DialogSide.Callee));
        Assert.That(dialog.Direction("from-dialer", "someone-else"), Is.Null, "tags of no leg");

        Assert.That(dialog.IsFrom(DialogSide.Caller, fromCaller!.Value.Leg, s_dialer), Is.True);
        Assert.That(dialog.IsFrom(DialogSide.Caller, fromCaller.Value.Leg, Udp("192.0.2.1", 5071)), Is.False, "same address, another UDP port");
        Assert.That(dialog.IsFrom(DialogSide.Caller, fromCaller.Value.Leg, Udp("192.0.2.99", 5070)), Is.False);
        Assert.That(dialog.IsFrom(DialogSide.Callee, fromCallee!.Value.Leg, Udp("198.51.100.7", 40000)), Is.True, "the server we called");
        Assert.That(dialog.IsFrom(DialogSide.Callee, fromCallee.Value.Leg, Udp("198.51.100.8", 5060)), Is.True, "its contact");
        Assert.That(dialog.IsFrom(DialogSide.Callee, fromCallee.Value.Leg, Udp("203.0.113.9", 5060)), Is.True, "the trunk's ACL");
        Assert.That(dialog.IsFrom(DialogSide.Callee, fromCallee.Value.Leg, s_dialer), Is.False, "the dialer posing as the carrier");
    }

    [Test]
    public void End_ReleasesTheChannelOnce_WhoeverEndsIt()
    {
        var (table, ledger, _) = Table();
        var dialog = Admitted(table, ledger, "tag-1");
        Assert.That(ledger.ViewOf("carrier-a")!.InUse, Is.EqualTo(1));
        Assert.That(table.End(dialog, DialogEnd.CallerBye), Is.True);
        Assert.That(table.End(dialog, DialogEnd.Timeout), Is.False);
        Assert.That(table.End(dialog, DialogEnd.Failed), Is.False);
        Assert.That(ledger.ViewOf("carrier-a")!.InUse, Is.Zero);
        Assert.That(table.Find(dialog.Id), Is.Null);
        Assert.That(table.Count, Is.Zero);
        Assert.That(dialog.Record!.HangupSide, Is.EqualTo("dialer"));
    }

    [Test]
    public void DialogTimeout_EndsTheCall_AndFreesItsChannel()
    {
        var (table, ledger, clock) = Table(maxCall: TimeSpan.FromSeconds(30));
        var dialog = Admitted(table, ledger, "tag-1");
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.That(dialog.State, Is.EqualTo(DialogState.Early));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(dialog.State, Is.EqualTo(DialogState.Terminated));
        Assert.That(ledger.ViewOf("carrier-a")!.InUse, Is.Zero);
        Assert.That(dialog.Record!.HangupSide, Is.EqualTo("timeout"));
    }

    [Test]
    public void TwoDialogsSharingACallId_AreTwoDialogs()
    {
        var (table, ledger, _) = Table();
        var first = Admitted(table, ledger, "tag-1");
        var second = Admitted(table, ledger, "tag-2");
        Assert.That(first.Id, Is.Not.EqualTo(second.Id));
        Assert.That(first.Token, Is.Not.EqualTo(second.Token));
        table.End(first, DialogEnd.CallerBye);
        Assert.That(ledger.ViewOf("carrier-a")!.InUse, Is.EqualTo(1), "the other call still holds its channel");
        table.End(second, DialogEnd.CalleeBye);
        Assert.That(ledger.ViewOf("carrier-a")!.InUse, Is.Zero);
    }

    [Test]
    public void FullTable_RefusesANewDialog_AndFreesARoomWhenOneEnds()
    {
        var (table, ledger, _) = Table(maxDialogs: 1);
        var first = Admitted(table, ledger, "tag-1");
        Assert.That(table.TryCreate(new DialogStart(s_callId, "tag-2", DialogKind.Extension, new DialogParty(s_dialer, s_dialer))), Is.Null);
        table.End(first, DialogEnd.Failed);
        Assert.That(table.TryCreate(new DialogStart(s_callId, "tag-3", DialogKind.Extension, new DialogParty(s_dialer, s_dialer))), Is.Not.Null);
    }

    [Test]
    public void LastLegsBye_EndsTheDialog_NotTheFirstOfTwo()
    {
        var (table, ledger, _) = Table();
        var dialog = Admitted(table, ledger, "tag-1");
        dialog.OnCalleeResponse("leg-a", new DialogParty(s_carrier, s_carrier), true, DateTimeOffset.UnixEpoch);
        dialog.OnCalleeResponse("leg-b", new DialogParty(s_carrier, s_carrier), true, DateTimeOffset.UnixEpoch);
        var legs = dialog.Legs;
        Assert.That(dialog.EndLeg(legs[0]), Is.False, "the fork's other answered leg is still up");
        Assert.That(dialog.EndLeg(legs[1]), Is.True);
    }

    private static (DialogTable Table, ChannelLedger Ledger, ManualTimeProvider Clock) Table(TimeSpan? maxCall = null, int maxDialogs = 100)
    {
        var clock = new ManualTimeProvider();
        var table = new DialogTable(new DialogToken(TestKeys.NewKey()), clock, maxCall ?? TimeSpan.FromHours(1), maxDialogs);
        return (table, new ChannelLedger(clock), clock);
    }

    private static Dialog Admitted(DialogTable table, ChannelLedger ledger, string callerTag)
    {
        var trunk = TrunkWith(2);
        Assert.That(ledger.For(trunk.Name).TryAdmit(trunk, [], null, out var lease), Is.Null);
        var record = new CallRecord { CallId = "call-1@dialer", Trunk = trunk.Name, Number = "5551234", SetupAt = DateTimeOffset.UnixEpoch };
        lease!.Record = record;
        return table.TryCreate(new DialogStart(s_callId, callerTag, DialogKind.Trunk, new DialogParty(s_dialer, s_dialer))
        {
            Trunk = trunk,
            Lease = lease,
            Record = record,
        })!;
    }

    [Test]
    public void StoredRow_BringsBackEachSidesPath_AndTheCSeqs()
    {
        var (table, ledger, _) = Table();
        var dialog = table.TryCreate(new DialogStart(s_callId, "from-dialer", DialogKind.Extension, new DialogParty(s_dialer, s_dialer)) { CSeq = 7 })!;
        var towardsCaller = new DialogPath("sip:dialer@192.0.2.1:5070", "<sip:5551234@edge>;tag=callee", "\"Dialer\" <sip:d@x>;tag=from-dialer",
            ["<sip:proxy-a;lr>", "<sip:proxy-b;lr>"]);
        var towardsCallee = new DialogPath("sip:carrier@198.51.100.7", "<sip:d@x>;tag=from-dialer", "<sip:5551234@edge>;tag=callee", []);
        dialog.OnCalleeResponse("callee", new DialogParty(s_carrier, s_carrier), confirmed: true, DateTimeOffset.UtcNow, () => (towardsCaller, towardsCallee));
        dialog.Saw(DialogSide.Callee, dialog.Legs[0], 4);
        var row = DialogRecords.ToRow(dialog);

        var (restoredTable, _, _) = Table();
        Assert.That(DialogRecords.Restore(row, restoredTable, ledger, new Dialer.Peers.Snapshot.PeerSnapshot(1, [], [], [])), Is.True);
        var restored = restoredTable.Find(dialog.Id)!;
        var leg = restored.Legs.Single();
        Assert.That(leg.Paths!.Value.TowardsCaller.Uri, Is.EqualTo(towardsCaller.Uri));
        Assert.That(leg.Paths!.Value.TowardsCaller.To, Is.EqualTo(towardsCaller.To));
        Assert.That(leg.Paths!.Value.TowardsCaller.Route, Is.EqualTo(towardsCaller.Route));
        Assert.That(leg.Paths!.Value.TowardsCallee.From, Is.EqualTo(towardsCallee.From));
        Assert.That(leg.Paths!.Value.TowardsCallee.Route, Is.Empty);
        Assert.That(restored.NextCSeq(DialogSide.Callee, leg), Is.EqualTo(8), "after the caller's INVITE CSeq 7");
        Assert.That(restored.NextCSeq(DialogSide.Caller, leg), Is.EqualTo(5), "after the callee's CSeq 4");
    }
}
