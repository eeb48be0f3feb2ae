namespace Dialer.Peers.Storage;

/// <summary>Paging and filtering of a list: <see cref="Search"/> matches names, extensions or descriptions.</summary>
public sealed record PageQuery(int Limit = 100, int Offset = 0, bool? Active = null, string? Search = null)
{
    public const int MaxLimit = 1000;

    /// <summary>LIKE pattern for <see cref="Search"/>, with LIKE's own metacharacters escaped.</summary>
    internal string? LikePattern => Search is null
        ? null
        : "%" + Search.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
