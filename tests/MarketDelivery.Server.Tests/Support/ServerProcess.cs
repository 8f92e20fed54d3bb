using System.Diagnostics;
using System.Globalization;
using System.Net;
using MarketDelivery.Contracts.Accounts;
using MarketDelivery.Testing;
using Npgsql;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>A server started as its own process from the build output, the way a deployment runs it.</summary>
public sealed class ServerProcess : IDisposable
{
    public static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(90);

    // Log entries of warning level and above, an unhandled exception and Environment.FailFast (Orleans' eviction).
    private static readonly string[] NotableStarts = ["warn:", "fail:", "crit:", "Unhandled exception", "Process terminated"];

    private readonly Process _process;
    private readonly string _name;
    // The server's lines as it wrote them; Output and the saved file prefix each with the server's name.
    private readonly List<string> _output = [];

    private ServerProcess(Process process, string name, int port)
    {
        _process = process;
        _name = name;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = TestTokens.Client(BaseAddress, TestTokens.Admin);
    }

    public Uri BaseAddress { get; }

    /// <summary>A client signed in as an admin.</summary>
    public HttpClient Http { get; }

    /// <summary>A client signed in with one role and its scope.</summary>
    public HttpClient ClientAs(AccountRole role, string? scopeId) => TestTokens.Client(BaseAddress, TestTokens.For(role, scopeId));

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.Select(Prefixed));
            }
        }
    }

    /// <summary>
    /// What a failure message should end with, since CI shows a log's tail: where the whole output was saved, then the
    /// server's warnings, errors and crash lines, each with the line that follows (the message of a log entry).
    /// </summary>
    public string Diagnosis()
    {
        string[] lines;
        lock (_output)
        {
            lines = [.. _output];
        }

        var file = Path.Combine(AppContext.BaseDirectory, "server-logs", $"{_name}-{_process.Id}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file, lines.Select(Prefixed));

        var notable = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (NotableStarts.Any(lines[i].StartsWith))
            {
                notable.Add(Prefixed(lines[i]));
                if (i + 1 < lines.Length)
                {
                    notable.Add(Prefixed(lines[++i]));
                }
            }
        }

        var exit = _process.HasExited ? $"exited with code {_process.ExitCode}" : "still running";
        return $"server {_name} ({exit}); whole output in {file}; its last warnings and errors:\n{string.Join('\n', notable.TakeLast(40))}";
    }

    private string Prefixed(string line) => $"{_name}: {line}";

    /// <summary>Applies the schema the way docker-compose's migrate step does.</summary>
    public static async Task Migrate(string connectionString)
    {
        using var process = Process.Start(StartInfo(["migrate", "--postgres", connectionString]))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(StartupPatience).Token);
        Assert.True(process.ExitCode == 0, await output + await error);
    }

    /// <summary>A server and silo on PostgreSQL in cluster <paramref name="clusterId"/>, on free ports; more settings as <c>--Key value</c> pairs.</summary>
    public static ServerProcess Start(string name, string connectionString, string clusterId, params string[] settings)
    {
        var ports = TestPorts.FreePorts(3);
        var port = ports[0];
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--ConnectionStrings:Postgres", connectionString,
            "--Storage:MigrateOnStartup", "false",
            "--Orleans:ClusterId", clusterId,
            "--Auth:SigningKey", TestTokens.SigningKey,
            "--Orleans:SiloPort", ports[1].ToString(CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", ports[2].ToString(CultureInfo.InvariantCulture),
            .. settings,
        ];
        var process = new Process { StartInfo = StartInfo(args), EnableRaisingEvents = true };
        var server = new ServerProcess(process, name, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public async Task WaitHealthy()
    {
        var deadline = DateTime.UtcNow + StartupPatience;
        while (true)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // until its output is read to the end: the last lines say why
                Assert.Fail($"the server exited early:\n{Output}\n{Diagnosis()}");
            }

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

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"the server did not become healthy:\n{Output}\n{Diagnosis()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Waits until <paramref name="count"/> silos are Active in the membership table, so none serves alone.</summary>
    public static async Task WaitForActiveSilos(string connectionString, int count, IEnumerable<ServerProcess> servers)
    {
        var deadline = DateTime.UtcNow + StartupPatience;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM md_membership WHERE status = 3", connection);
            var active = Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            if (active >= count)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"only {active} of {count} silos became active:\n{string.Join("\n", servers.Select(s => s.Diagnosis()))}");
            }

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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
