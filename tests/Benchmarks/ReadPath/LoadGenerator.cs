using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Google.Protobuf;

namespace IntegrationServices.Benchmarks.ReadPath;

/// <summary>One unary gRPC call, repeated: where it goes, what it sends, with which bearer token (none for null).</summary>
public sealed record LoadTarget(Uri Address, string Method, IMessage Request, string? Token)
{
    /// <summary>The request as a gRPC message frame: no compression flag, big-endian length, the message.</summary>
    public byte[] Frame()
    {
        var message = Request.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    public Uri Url => new(Address, Method);
}

/// <summary>Throughput and latency of one measured period (warm-up excluded).</summary>
public sealed record LoadResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Failed);

/// <summary>
/// Drives a target with a fixed number of HTTP/2 connections and concurrent streams per connection:
/// h2load (Debian's nghttp2-client) when it is on the PATH, otherwise an HttpClient loop that sends the
/// same frames over the same number of connections and streams.
/// </summary>
public abstract partial class LoadGenerator
{
    public const int Connections = 8, StreamsPerConnection = 32;

    public abstract string Name { get; }

    public abstract Task<LoadResult> RunAsync(LoadTarget target, TimeSpan warmUp, TimeSpan duration);

    public static LoadGenerator Create() =>
        Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, "h2load"))) == true
            ? new H2Load()
            : new HttpClientLoop();

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private sealed partial class H2Load : LoadGenerator
    {
        public override string Name => $"h2load, {Connections} connections × {StreamsPerConnection} streams";

        public override async Task<LoadResult> RunAsync(LoadTarget target, TimeSpan warmUp, TimeSpan duration)
        {
            var directory = Directory.CreateTempSubdirectory("h2load").FullName;
            try
            {
                var body = Path.Combine(directory, "request.bin");
                var log = Path.Combine(directory, "requests.log");
                await File.WriteAllBytesAsync(body, target.Frame());
                var start = new ProcessStartInfo("h2load") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in new[]
                         {
                             "-c", $"{Connections}", "-m", $"{StreamsPerConnection}",
                             "-D", $"{(int)duration.TotalSeconds}", $"--warm-up-time={(int)warmUp.TotalSeconds}",
                             "-d", body, "-H", "content-type: application/grpc", "-H", "te: trailers", $"--log-file={log}",
                         })
                    start.ArgumentList.Add(argument);
                if (target.Token is not null)
                {
                    start.ArgumentList.Add("-H");
                    start.ArgumentList.Add("authorization: Bearer " + target.Token);
                }
                start.ArgumentList.Add(target.Url.ToString());
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                var text = await output;
                var counts = RequestCounts().Match(text);
                var finished = Finished().Match(text);
                if (process.ExitCode != 0 || !counts.Success || !finished.Success)
                    throw new InvalidOperationException($"h2load failed ({process.ExitCode}): {text}{await error}");
                // h2load counts HTTP status 2xx as success; a gRPC error is 200 with grpc-status in the trailers.
                // The benchmark checks gRPC status codes on the server side (RpcOutcomes).
                var latencies = File.ReadLines(log)
                    .Select(line => line.Split('\t'))
                    .Where(columns => columns.Length >= 3)
                    .Select(columns => double.Parse(columns[2], CultureInfo.InvariantCulture) / 1000.0)
                    .Order().ToList();
                long Count(string group) => long.Parse(counts.Groups[group].Value, CultureInfo.InvariantCulture);
                return new LoadResult(double.Parse(finished.Groups["rps"].Value, CultureInfo.InvariantCulture),
                    Percentile(latencies, 0.50), Percentile(latencies, 0.99), Count("done"), Count("failed") + Count("errored") + Count("timeout"));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        [GeneratedRegex(@"requests: (?<total>\d+) total, (?<started>\d+) started, (?<done>\d+) done, (?<succeeded>\d+) succeeded, (?<failed>\d+) failed, (?<errored>\d+) errored, (?<timeout>\d+) timeout")]
        private static partial Regex RequestCounts();

        [GeneratedRegex(@"finished in [\d.]+\w+, (?<rps>[\d.]+) req/s")]
        private static partial Regex Finished();
    }

    /// <summary>The same load from this process: one HttpClient (one HTTP/2 connection) per connection, a loop per stream.</summary>
    private sealed class HttpClientLoop : LoadGenerator
    {
        public override string Name => $"HttpClient loop, {Connections} connections × {StreamsPerConnection} streams";

        public override async Task<LoadResult> RunAsync(LoadTarget target, TimeSpan warmUp, TimeSpan duration)
        {
            var frame = target.Frame();
            var clients = Enumerable.Range(0, Connections).Select(_ => new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = false })
            {
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            }).ToList();
            var measureFrom = Stopwatch.GetTimestamp() + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            var stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            long failed = 0;
            var loops = clients.SelectMany(client => Enumerable.Range(0, StreamsPerConnection).Select(_ => Task.Run(async () =>
            {
                var latencies = new List<double>();
                while (Stopwatch.GetTimestamp() is var started && started < stopAt)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(frame) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
                    request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
                    if (target.Token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.Token);
                    using var response = await client.SendAsync(request);
                    await response.Content.CopyToAsync(Stream.Null);
                    var status = response.TrailingHeaders.TryGetValues("grpc-status", out var s) ? s.First()
                        : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : null;
                    if (started < measureFrom) continue;
                    if (status != "0") Interlocked.Increment(ref failed);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                return latencies;
            }))).ToList();
            var all = (await Task.WhenAll(loops)).SelectMany(l => l).Order().ToList();
            foreach (var client in clients) client.Dispose();
            return new LoadResult(all.Count / duration.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), all.Count, failed);
        }
    }
}
