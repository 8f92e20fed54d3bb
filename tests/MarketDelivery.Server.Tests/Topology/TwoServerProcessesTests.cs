using System.Diagnostics;
using System.Net;
using System.Text;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;
using Npgsql;

namespace MarketDelivery.Server.Tests.Topology;

/// <summary>
/// The docker-compose topology without docker: a migrate step, then two server processes clustered through
/// ADO.NET on one PostgreSQL. An order placed on one is readable and confirmable through the other.
/// </summary>
public sealed class TwoServerProcessesTests : IAsyncLifetime
{
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(90);
    private readonly List<ServerProcess> _servers = [];
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task An_order_placed_on_one_instance_is_read_and_confirmed_through_the_other()
    {
        var (migrateExit, migrateOutput) = await ServerProcess.RunToEnd(["migrate", "--postgres", _database.ConnectionString]);
        Assert.True(migrateExit == 0, migrateOutput);

        var a = Start("a");
        var b = Start("b");
        await Task.WhenAll(a.WaitHealthy(StartupPatience), b.WaitHealthy(StartupPatience));
        await WaitForActiveSilos(2);

        var slot = await Baskets.OpenSlot(a.Http);
        var (status, placed, _) = await a.Http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "two-servers"), idempotencyKey: "topology-1");
        Assert.Equal(HttpStatusCode.Created, status);
        var orderId = (string)placed!["orderId"]!;

        Assert.Equal("placed", (string)(await b.Http.GetJson($"/api/orders/{orderId}"))["status"]!);
        Assert.Contains((await b.Http.GetJson("/api/stalls/amsa-gwail/tickets?status=open")).AsArray(), t => (string)t!["orderId"]! == orderId);

        var veg = (string)placed["tickets"]![0]!["ticketId"]!;
        var fruit = (string)placed["tickets"]![1]!["ticketId"]!;
        Assert.Equal(HttpStatusCode.OK, (await b.Http.PostJson($"/api/stalls/amsa-chaeso/tickets/{veg}/confirm",
            new { lines = new object[] { new { sku = "daepa", pickedQuantity = 2 }, new { sku = "gamja", pickedQuantity = 2 } } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await a.Http.PostJson($"/api/stalls/amsa-gwail/tickets/{fruit}/confirm",
            new { lines = new object[] { new { sku = "sagwa-busa", pickedQuantity = 1 } } })).Status);

        var fromA = await a.Http.GetJson($"/api/orders/{orderId}");
        var fromB = await b.Http.GetJson($"/api/orders/{orderId}");
        Assert.Equal("readyForPickup", (string)fromA["status"]!);
        Assert.Equal(fromA.ToJsonString(), fromB.ToJsonString());
        Assert.Equal(25_400, (long)fromB["chargedTotalWon"]!);

        // The same idempotency key through the other instance finds the same order.
        var (replay, again, _) = await b.Http.PostJson("/api/orders", Baskets.TwoStallOrder(slot, "two-servers"), idempotencyKey: "topology-1");
        Assert.Equal(HttpStatusCode.Created, replay);
        Assert.Equal(orderId, (string)again!["orderId"]!);
    }

    private ServerProcess Start(string name)
    {
        var port = MarketServer.FreePort();
        var server = ServerProcess.Start(name, port,
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--ConnectionStrings:Postgres", _database.ConnectionString,
            "--Storage:MigrateOnStartup", "false",
            "--Orleans:ClusterId", "two-processes",
            "--Orleans:SiloPort", MarketServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", MarketServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ]);
        _servers.Add(server);
        return server;
    }

    /// <summary>Waits until both silos are Active in the membership table, so neither serves alone.</summary>
    private async Task WaitForActiveSilos(int count)
    {
        var deadline = DateTime.UtcNow + StartupPatience;
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM md_membership WHERE status = 3", connection);
            var active = Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            if (active >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {active} of {count} silos became active: {string.Join("\n", _servers.Select(s => s.Output))}");
            await Task.Delay(200);
        }
    }

    /// <summary>A server started as its own process from the build output, the way a deployment runs it.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServerProcess(Process process, int port)
        {
            _process = process;
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        }

        public HttpClient Http { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static ServerProcess Start(string name, int port, string[] args)
        {
            var process = new Process { StartInfo = StartInfo(args), EnableRaisingEvents = true };
            var server = new ServerProcess(process, port);
            process.OutputDataReceived += (_, e) => server.Append(name, e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(name, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        public static async Task<(int ExitCode, string Output)> RunToEnd(string[] args)
        {
            using var process = Process.Start(StartInfo(args))!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(StartupPatience).Token);
            return (process.ExitCode, await output + await error);
        }

        public async Task WaitHealthy(TimeSpan patience)
        {
            var deadline = DateTime.UtcNow + patience;
            while (true)
            {
                Assert.False(_process.HasExited, $"the server exited early:\n{Output}");
                try
                {
                    if ((await Http.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                Assert.True(DateTime.UtcNow < deadline, $"the server did not become healthy:\n{Output}");
                await Task.Delay(200);
            }
        }

        public void Dispose()
        {
            Http.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }

        private static ProcessStartInfo StartInfo(string[] args)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MarketDelivery.Server.dll"));
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            info.Environment["DOTNET_NOLOGO"] = "1";
            return info;
        }

        private void Append(string name, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Append(name).Append(": ").AppendLine(line);
            }
        }
    }
}
