namespace Dialer.Campaigns.Leads;

/// <summary>One row of a lead file: the number to dial, an optional name, and the row's other columns.</summary>
public sealed record Lead(int Line, string Number, string Name, IReadOnlyDictionary<string, string> Fields);

/// <summary>A lead file row that was skipped, and why ("line 7: number '12ab' has characters other than digits").</summary>
public sealed record LeadProblem(int Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}
