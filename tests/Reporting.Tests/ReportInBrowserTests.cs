using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using IntegrationServices.Reporting.Core.Application;
using IntegrationServices.Reporting.Core.Domain;
using IntegrationServices.Reporting.Testing;
using IntegrationServices.Suite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Outcome = IntegrationServices.Contracts.Reporting.V1.SnapshotRun.Types.Outcome;

namespace IntegrationServices.Reporting.Tests;

/// <summary>
/// The 2018 demo report (the Suite's demo data, snapshot taken through the services as the worker takes
/// it, fetched without a token as a council member would from the paper) opened in a real browser:
/// Debian's chromium, driven by Playwright through its ExecutablePath (no browser download), and printed
/// to A4 PDF, which poppler-utils read back page by page. .ci/run installs both and sets REQUIRE_BROWSER=1,
/// so in CI a missing browser is a failure, never a skip.
/// </summary>
public sealed partial class ReportInBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private const int MaxPages = 12;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3); // per browser or tool step; generous for a busy machine

    [Fact(Timeout = 900_000)]
    public async Task The_2018_report_renders_without_errors_and_prints_on_at_most_12_A4_pages_without_split_rows()
    {
        var available = File.Exists(Chromium) && File.Exists("/usr/bin/pdftotext") && File.Exists("/usr/bin/pdfinfo");
        Assert.True(available || Environment.GetEnvironmentVariable("REQUIRE_BROWSER") != "1",
            "REQUIRE_BROWSER=1 but chromium or poppler-utils is missing (apt-get install chromium poppler-utils).");
        Assert.SkipUnless(available, "Debian's chromium and poppler-utils are not installed here; .ci/run installs them.");

        var ct = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("report-in-browser-");
        try
        {
            var html = Path.Combine(folder.FullName, "bericht-2018.html");
            await File.WriteAllBytesAsync(html, await DemoReportAsync(ct), ct);
            var pdf = Path.Combine(folder.FullName, "bericht-2018.pdf");
            var tables = await OpenAndPrintAsync(new Uri(html).AbsoluteUri, pdf);

            var info = await RunAsync("/usr/bin/pdfinfo", pdf);
            output.WriteLine(info);
            Assert.Matches(@"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info); // poppler names the paper size
            var pageCount = int.Parse(PagesLine().Match(info).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(pageCount, 1, MaxPages);

            // One text per page, whitespace dropped (line breaks fall differently in print than on screen).
            var pages = (await RunAsync("/usr/bin/pdftotext", "-raw", "-enc", "UTF-8", pdf, "-")).Split('\f')[..pageCount].Select(Squeeze).ToArray();
            // Kept before the checks, so that a failing print can be looked at.
            if (Environment.GetEnvironmentVariable("REPORT_PDF_OUT") is { Length: > 0 } keep) File.Copy(pdf, keep, overwrite: true);
            AssertRowsAreWholeAndHeadersRepeat(tables, pages);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Every table row lies on one page: each of its cells is found whole on a page that holds all of
    /// them (a split row leaves some cell's text in parts on two pages). A table that runs over several
    /// pages repeats its header row on each of them.
    /// </summary>
    private void AssertRowsAreWholeAndHeadersRepeat(IReadOnlyList<Table> tables, string[] pages)
    {
        var checkedRows = 0;
        foreach (var table in tables)
        {
            var rowPages = new List<int>();
            foreach (var row in table.Rows)
            {
                var cells = row.Select(Squeeze).Where(c => c.Length > 0).ToList();
                if (cells.Count == 0) continue;
                var page = Array.FindIndex(pages, p => cells.All(c => p.Contains(c, StringComparison.Ordinal)));
                Assert.True(page >= 0, $"table '{table.Caption}': the row [{string.Join(" | ", row)}] is not whole on any page");
                rowPages.Add(page);
                checkedRows++;
            }
            var header = table.Header.Select(Squeeze).Where(h => h.Length > 0).ToList();
            foreach (var page in rowPages.Distinct())
                Assert.True(header.All(h => pages[page].Contains(h, StringComparison.Ordinal)),
                    $"table '{table.Caption}' continues on page {page + 1} without its header row");
        }
        output.WriteLine($"{tables.Count} tables, {checkedRows} rows, each whole on one page");
        Assert.True(checkedRows > 20, "the report's tables were not found");
    }

    private sealed record Table(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

    /// <summary>Opens the page in chromium: no console error, every chart drawn with a size on screen and in print; then prints it to A4.</summary>
    private async Task<IReadOnlyList<Table>> OpenAndPrintAsync(string url, string pdf)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Timeout = (float)Limit.TotalMilliseconds,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout((float)Limit.TotalMilliseconds);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") errors.Add($"console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => errors.Add($"request failed: {request.Url}");

        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is null || response.Ok, $"opening {url} failed");
        Assert.Equal("de", await page.Locator("html").GetAttributeAsync("lang"));

        foreach (var media in new[] { Media.Screen, Media.Print })
        {
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = media });
            var charts = await page.Locator("svg").AllAsync();
            Assert.NotEmpty(charts);
            foreach (var chart in charts)
            {
                Assert.True(await chart.IsVisibleAsync(), $"a chart is hidden ({media})");
                var box = await chart.BoundingBoxAsync();
                Assert.True(box is { Width: > 10, Height: > 10 }, $"a chart has no size ({media}): {box?.Width}x{box?.Height}");
            }
            output.WriteLine($"{charts.Count} charts visible with a size ({media})");
        }

        var tables = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('table')].map(t => ({
              caption: t.caption ? t.caption.innerText : (t.previousElementSibling ? t.previousElementSibling.innerText : ''),
              header: [...t.querySelectorAll('thead th')].map(th => th.innerText),
              rows: [...t.querySelectorAll('tbody tr, tfoot tr')].map(r => [...r.cells].map(c => c.innerText)),
            }))
            """);
        await page.PdfAsync(new PagePdfOptions { Path = pdf, Format = "A4", PreferCSSPageSize = true, PrintBackground = true });
        Assert.Empty(errors);
        return tables.EnumerateArray().Select(t => new Table(
            t.GetProperty("caption").GetString() ?? "",
            t.GetProperty("header").EnumerateArray().Select(h => h.GetString() ?? "").ToList(),
            t.GetProperty("rows").EnumerateArray().Select(r => (IReadOnlyList<string>)r.EnumerateArray().Select(c => c.GetString() ?? "").ToList()).ToList()))
            .ToList();
    }

    /// <summary>
    /// The 2018 report of the Suite's demo data: Measures, Demographics and Reporting seeded as the Suite
    /// seeds them, the snapshot computed through their gRPC APIs and stored as the worker does, the HTML
    /// fetched from <c>GET /reports/2018.html</c> without a token (the paper's date has passed).
    /// </summary>
    private static async Task<byte[]> DemoReportAsync(CancellationToken ct)
    {
        await using var env = await SnapshotEnvironment.StartAsync();
        foreach (var (component, host) in new[] { (SuiteComponents.Measures, env.Measures), (SuiteComponents.Demographics, env.Demographics), (SuiteComponents.Reporting, env.Reporting) })
            await component.SeedDemoData!(host.Services, ct);

        var cycle = await env.Reporting.Services.GetRequiredService<CycleApplication>().GetAsync("2018", ct);
        var due = new DueCycle(cycle.Id, cycle.ReferenceDate, cycle.ReportingDate, cycle.Scope, cycle.Version);
        var policy = new AttemptPolicy("browser-test", SettleDelay: TimeSpan.Zero, AbandonAfter: TimeSpan.FromMinutes(15),
            RetryBaseDelay: TimeSpan.FromSeconds(5), RetryMaxDelay: TimeSpan.FromMinutes(30));
        Assert.Equal(Outcome.Succeeded, (await env.Producer.ProduceAsync(due, policy, ct)).Outcome);

        using var anonymous = env.Reporting.Http();
        var response = await anonymous.GetAsync("/reports/2018.html", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    private static string Squeeze(string text) => Whitespace().Replace(text, "").Replace("\u00AD", "");

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish within {Limit}");
        }
        Assert.True(process.ExitCode == 0, $"{file} exited with {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^Pages:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex PagesLine();
}
