using System.Globalization;
using System.Text;
using Dialer.Edge.Core;
using Dialer.Peers.Model;
using Dialer.Sip.Headers;
using Dialer.Sip.Message;
using Dialer.Sip.Transactions;
using Dialer.Sip.Transport;
using Dialer.Sip.Uris;

namespace Dialer.Edge.Registrar;

public sealed partial class PhoneRegistrar
{
    private enum Outcome { Ok, OutOfOrder, TooManyContacts }

    /// <summary>RFC 3261 §10.3 steps 6-8: check the contacts, apply them, answer with every current binding.</summary>
    private async Task UpdateBindingsAsync(ServerTransaction transaction, SipMessage request, Phone phone, SipEndpoint source)
    {
        var span = request.Span;
        var headerExpires = request.Expires;
        if (headerExpires == -2)
        {
            await Responder.RespondAsync(transaction, 400, "Bad Request: Malformed Expires");
            return;
        }
        var wildcard = false;
        var contacts = new List<ContactRequest>();
        foreach (var element in request.Elements(HeaderKind.Contact))
        {
            if (!NameAddress.TryParse(span, element, out var contact))
            {
                await Responder.RespondAsync(transaction, 400, "Bad Request: Malformed Contact");
                return;
            }
            if (contact.IsWildcard)
            {
                wildcard = true;
                continue;
            }
            if (!TryContact(span, contact, out var parsed))
            {
                await Responder.RespondAsync(transaction, 400, "Bad Request: Malformed Contact");
                return;
            }
            contacts.Add(parsed);
        }
        // RFC 3261 §10.3 step 6: "Contact: *" only alone and only with Expires: 0.
        if (wildcard && (contacts.Count > 0 || headerExpires != 0))
        {
            await Responder.RespondAsync(transaction, 400, "Bad Request: Wildcard Contact Needs Expires 0");
            return;
        }
        var registrar = settings.Registrar;
        // RFC 3261 §10.2.1.1: a contact's expires parameter, else the Expires header, else the default.
        var asked = contacts.Select(c => c.Expires ?? (headerExpires >= 0 ? (int)Math.Min(headerExpires, int.MaxValue) : registrar.DefaultExpires)).ToList();
        if (asked.Any(seconds => seconds != 0 && seconds < registrar.MinExpires))
        {
            await Responder.RespondAsync(transaction, 423, "Interval Too Brief", $"Min-Expires: {registrar.MinExpires}");
            return;
        }
        request.TryGetCSeq(out var cseq);
        var callId = Encoding.ASCII.GetString(request.CallId);
        var userAgent = request.GetValue(HeaderKind.UserAgent) ?? "";
        var now = time.GetUtcNow();
        var outcome = location.Update(phone.Extension, live =>
        {
            var next = live.ToList();
            if (wildcard)
            {
                return live.Any(b => b.CallId == callId && b.CSeq >= cseq.Number) ? (live, Outcome.OutOfOrder) : ([], Outcome.Ok);
            }
            for (var c = 0; c < contacts.Count; c++)
            {
                var contact = contacts[c];
                var existing = next.FindIndex(b => SameContact(b.Contact, contact.Uri));
                if (existing >= 0)
                {
                    var old = next[existing];
                    if (old.CallId == callId && old.CSeq >= cseq.Number)
                    {
                        return (live, Outcome.OutOfOrder);
                    }
                    next.RemoveAt(existing);
                }
                var expires = Math.Min(asked[c], registrar.MaxExpires);
                if (expires > 0)
                {
                    next.Add(new Binding(phone.Extension, contact.Uri, source.ProtocolName.ToLowerInvariant(), source.Address,
                        now.AddSeconds(expires), contact.QMillis, callId, cseq.Number, userAgent, now, settings.Cluster.Self));
                }
            }
            if (next.Count > phone.MaxContacts)
            {
                if (registrar.MaxContacts == MaxContactsPolicy.Reject)
                {
                    return (live, Outcome.TooManyContacts);
                }
                next = [.. next.OrderByDescending(b => b.RegisteredAt).Take(phone.MaxContacts)];
            }
            return (next, Outcome.Ok);
        });
        switch (outcome)
        {
            case Outcome.OutOfOrder:
                await Responder.RespondAsync(transaction, 500, "Server Internal Error: Out of Order CSeq", "Retry-After: 1");
                return;
            case Outcome.TooManyContacts:
                await Responder.RespondAsync(transaction, 403, "Too Many Registered Contacts");
                return;
        }
        var current = location.Lookup(phone.Extension);
        if (contacts.Count > 0 || wildcard)
        {
            LogRegistered(logger, phone.Extension, current.Count, source);
        }
        var headers = current.Select(b => $"Contact: <{b.Contact}>;expires={Math.Max(0, (int)(b.ExpiresAt - now).TotalSeconds)}").ToList();
        headers.Add("Date: " + now.ToString("r", CultureInfo.InvariantCulture));
        await Responder.RespondAsync(transaction, 200, "OK", headers, default);
    }

    private static bool TryContact(ReadOnlySpan<byte> span, NameAddress contact, out ContactRequest parsed)
    {
        parsed = null!;
        var uri = Encoding.UTF8.GetString(contact.Uri.Of(span));
        if (!SipUri.TryParse(uri, out _))
        {
            return false;
        }
        int? expires = null;
        if (contact.TryGetParameter(span, "expires"u8, out var expiresParameter))
        {
            if (!long.TryParse(expiresParameter.Value.Of(span), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return false;
            }
            expires = (int)Math.Min(seconds, int.MaxValue);
        }
        var q = -1;
        if (contact.TryGetParameter(span, "q"u8, out var qParameter))
        {
            // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (RFC 3261 §25.1)
            if (!decimal.TryParse(qParameter.Value.Of(span), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 1)
            {
                return false;
            }
            q = (int)(value * 1000);
        }
        parsed = new ContactRequest(uri, expires, q);
        return true;
    }

    private static bool SameContact(string stored, string candidate) =>
        stored == candidate || (SipUri.TryParse(stored, out var a) && SipUri.TryParse(candidate, out var b) && a.Equivalent(b));
}
