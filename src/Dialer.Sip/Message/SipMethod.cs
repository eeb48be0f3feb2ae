using System.Text;

namespace Dialer.Sip.Message;

/// <summary>Request methods the stack knows; any other token is <see cref="Extension"/> and kept by name.</summary>
public enum SipMethod : byte
{
    Extension = 0,
    Invite,
    Ack,
    Bye,
    Cancel,
    Register,
    Options,
    Info,
    Prack,
    Update,
    Subscribe,
    Notify,
    Refer,
    Message,
    Publish,
}

public static class SipMethods
{
    private static readonly string[] s_names =
        ["", "INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "PRACK", "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH"];

    public static string NameOf(SipMethod method) => s_names[(int)method];

    /// <summary>Method names are case-sensitive (RFC 3261 §7.1): "invite" is an extension method, not INVITE.</summary>
    public static SipMethod Lookup(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 => name.SequenceEqual("ACK"u8) ? SipMethod.Ack : name.SequenceEqual("BYE"u8) ? SipMethod.Bye : SipMethod.Extension,
        4 => name.SequenceEqual("INFO"u8) ? SipMethod.Info : SipMethod.Extension,
        5 => name.SequenceEqual("PRACK"u8) ? SipMethod.Prack : name.SequenceEqual("REFER"u8) ? SipMethod.Refer : SipMethod.Extension,
        6 => name.SequenceEqual("INVITE"u8) ? SipMethod.Invite : name.SequenceEqual("CANCEL"u8) ? SipMethod.Cancel
            : name.SequenceEqual("UPDATE"u8) ? SipMethod.Update : name.SequenceEqual("NOTIFY"u8) ? SipMethod.Notify : SipMethod.Extension,
        7 => name.SequenceEqual("OPTIONS"u8) ? SipMethod.Options : name.SequenceEqual("MESSAGE"u8) ? SipMethod.Message
            : name.SequenceEqual("PUBLISH"u8) ? SipMethod.Publish : SipMethod.Extension,
        8 => name.SequenceEqual("REGISTER"u8) ? SipMethod.Register : SipMethod.Extension,
        9 => name.SequenceEqual("SUBSCRIBE"u8) ? SipMethod.Subscribe : SipMethod.Extension,
        _ => SipMethod.Extension,
    };

    public static SipMethod Lookup(string name) => Lookup(Encoding.ASCII.GetBytes(name));
}
