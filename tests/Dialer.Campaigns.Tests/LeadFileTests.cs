using System.Text;
using Dialer.Campaigns.Leads;
using NUnit.Framework;

namespace Dialer.Campaigns.Tests;

/// <summary>Lead files as call centers export them: headers or none, quoting, formatted numbers, and bad rows by line.</summary>
public sealed class LeadFileTests
{
    private static LeadFile.Result Parse(string text) => LeadFile.Parse(Encoding.UTF8.GetBytes(text));

    [Test]
    public void Header_NamesTheColumns_InAnyOrder_AndKeepsTheOthersAsFields()
    {
        var read = Parse("City,Name,Phone_Number\r\nAustin,\"Doe, Jane\",5125550100\r\n");
        Assert.That(read.Problems, Is.Empty);
        var lead = read.Leads.Single();
        Assert.Multiple(() =>
        {
            Assert.That(lead.Number, Is.EqualTo("5125550100"));
            Assert.That(lead.Name, Is.EqualTo("Doe, Jane"), "a quoted comma stays in the cell");
            Assert.That(lead.Fields, Is.EqualTo(new Dictionary<string, string> { ["city"] = "Austin" }));
            Assert.That(lead.Line, Is.EqualTo(2));
        });
    }

    [Test]
    public void WithoutAHeader_TheFirstColumnIsTheNumber_AndTheSecondTheName()
    {
        var read = Parse("\uFEFF5125550100,Jane,VIP\n5125550101\n");
        Assert.That(read.Leads.Select(l => (l.Number, l.Name)), Is.EqualTo(new[] { ("5125550100", "Jane"), ("5125550101", "") }));
        Assert.That(read.Leads[0].Fields["column3"], Is.EqualTo("VIP"));
    }

    [TestCase("(512) 555-0100", "5125550100")]
    [TestCase("512.555.0100", "5125550100")]
    [TestCase(" +1 512 555 0100 ", "+15125550100")]
    public void WrittenSeparators_AreDropped(string written, string dialled) =>
        Assert.That(Parse($"phone\n\"{written}\"\n").Leads.Single().Number, Is.EqualTo(dialled));

    [Test]
    public void BadRows_AreReportedByLine_AndTheGoodOnesKept()
    {
        var read = Parse("phone,name\n5125550100,ok\n9555-CALL-NOW,x\n12,x\n\"5125550101,x\n5125550100,again\n,empty\n"
            + new string('1', 21) + ",long\n\n5125550102,ok\n");
        Assert.That(read.Leads.Select(l => l.Number), Is.EqualTo(new[] { "5125550100", "5125550102" }));
        Assert.That(read.Problems.Select(p => p.ToString()), Is.EqualTo(new[]
        {
            "line 3: number '9555-CALL-NOW' has characters other than digits (and a leading +)",
            "line 4: number 12 is shorter than 3 digits",
            "line 5: unbalanced quotes",
            "line 6: number 5125550100 already on line 2",
            "line 7: no phone number",
            $"line 8: number {new string('1', 21)} is longer than 20 digits",
        }));
    }

    [Test]
    public void InvalidUtf8_AndOverlongLines_AreSkippedWithoutThrowing()
    {
        var bytes = Encoding.UTF8.GetBytes("phone\n5125550100\n").Concat(new byte[] { 0x35, 0x31, 0xC3, 0x28, 0x0A })
            .Concat(Encoding.UTF8.GetBytes("5125550101," + new string('x', 9000) + "\n5125550102\n")).ToArray();
        var read = LeadFile.Parse(bytes);
        Assert.That(read.Leads.Select(l => l.Number), Is.EqualTo(new[] { "5125550100", "5125550102" }));
        Assert.That(read.Problems.Select(p => p.ToString()), Is.EqualTo(new[] { "line 3: not valid UTF-8", "line 4: line longer than 8192 bytes" }));
    }
}
