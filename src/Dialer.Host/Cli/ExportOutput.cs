using System.Text;

namespace Dialer.Host.Cli;

/// <summary>Where an export goes: standard output, or a file replaced whole (never left half written).</summary>
public static class ExportOutput
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="file">The file; null writes to standard output.</param>
    /// <param name="text">The whole export.</param>
    /// <param name="secret">The text holds password equivalents (HA1): the file is created readable by its owner only.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    public static async Task WriteAsync(FileInfo? file, string text, bool secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (file is null)
        {
            await Console.Out.WriteAsync(text);
            await Console.Out.FlushAsync(cancellationToken);
            return;
        }
        try
        {
            var temporary = file.FullName + ".tmp";
            var mode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }
            await using (var stream = new FileStream(temporary, options))
            {
                if (!OperatingSystem.IsWindows())
                {
                    // A stale .tmp keeps its old mode under FileMode.Create: tighten it before any byte is written.
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                }
                await stream.WriteAsync(s_utf8.GetBytes(text), cancellationToken);
            }
            File.Move(temporary, file.FullName, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // CliSession prints this as one line, exit code 1, instead of a stack trace.
            throw new InvalidOperationException($"{file.FullName}: {error.Message}", error);
        }
    }
}
