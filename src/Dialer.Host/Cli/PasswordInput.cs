using System.Text;

namespace Dialer.Host.Cli;

/// <summary>
/// Where a phone's password comes from: never the command line (`ps` and shell history show it). With
/// --password-stdin, the first line of standard input; otherwise, on a terminal, a prompt without echo.
/// </summary>
public static class PasswordInput
{
    /// <param name="fromStdin">--password-stdin was given.</param>
    /// <param name="required">True for `phone add`; false for `phone update`, where no password keeps the stored one.</param>
    /// <returns>The password, or null to keep the stored one.</returns>
    public static async Task<string?> ReadAsync(bool fromStdin, bool required)
    {
        if (fromStdin)
        {
            var line = await Console.In.ReadLineAsync();
            return line is { Length: > 0 } ? line.TrimEnd('\r')
                : throw new InvalidOperationException("--password-stdin: standard input held no password line");
        }
        if (Console.IsInputRedirected)
        {
            return required
                ? throw new InvalidOperationException("a password is needed: pipe it in with --password-stdin, or run on a terminal to be asked")
                : null;
        }
        var first = Prompt(required ? "password: " : "new password (empty keeps the current one): ");
        if (first.Length == 0)
        {
            return required ? throw new InvalidOperationException("no password given") : null;
        }
        if (Prompt("again: ") != first)
        {
            throw new InvalidOperationException("the two passwords differ");
        }
        return first;
    }

    /// <summary>Reads a line from the terminal without echoing it; the prompt goes to stderr, so stdout stays clean.</summary>
    private static string Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
