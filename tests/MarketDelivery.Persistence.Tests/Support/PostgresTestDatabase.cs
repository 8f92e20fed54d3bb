// Shared test support: a fresh PostgreSQL database per test class.
// Other test projects include this file as-is:
//   <Compile Include="..\MarketDelivery.Persistence.Tests\Support\PostgresTestDatabase.cs" Link="Support\PostgresTestDatabase.cs" />
// Depends on Npgsql, the BCL and TestPorts.cs (include it too).
//
// Server: MARKETDELIVERY_TEST_POSTGRES (a connection string; its database is only used to CREATE/DROP test
// databases) when set; otherwise a throwaway PostgreSQL started once per test process from
// /usr/lib/postgresql/*/bin on a free port (as the postgres user when running as root), with fsync off,
// and stopped when the process exits. Several test assemblies running at once each start their own server
// (own data directory and port) or share the variable's server with databases of distinct names.
using System.Diagnostics;
using Npgsql;

namespace MarketDelivery.Testing;

public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "MARKETDELIVERY_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>Connection string to the new, empty database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates <c>md_test_&lt;guid&gt;</c> on the test server (starting one first if needed).</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var admin = await PostgresTestServer.GetAdminConnectionStringAsync(cancellationToken);
        var name = $"md_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new PostgresTestDatabase(admin, name, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server may already be going away at process exit; a leftover test database is harmless.
        }
    }
}

/// <summary>The PostgreSQL server the tests of this process use.</summary>
public static class PostgresTestServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;
    private static PostgresInstance? _owned;

    public static async Task<string> GetAdminConnectionStringAsync(CancellationToken cancellationToken = default)
    {
        if (_adminConnectionString is not null)
        {
            return _adminConnectionString;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (_adminConnectionString is null)
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(PostgresTestDatabase.ServerVariable);
                if (string.IsNullOrWhiteSpace(fromEnvironment))
                {
                    _owned = await PostgresInstance.StartAsync(durable: false, cancellationToken);
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => _owned.StopAndDelete();
                    _adminConnectionString = _owned.AdminConnectionString + ";Pooling=true;Maximum Pool Size=50";
                }
                else
                {
                    _adminConnectionString = fromEnvironment;
                }
            }

            return _adminConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }
}

/// <summary>
/// A PostgreSQL server of a test's own, from the local binaries, that the test may stop and start again (to show
/// what the system does while its database is away). Removed with its data when disposed or at process exit.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private static readonly string PgBin = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderBy(d => d, StringComparer.Ordinal).LastOrDefault() ?? "/usr/lib/postgresql/15/bin"
        : "/usr/lib/postgresql/15/bin";

    private readonly string _root;
    private readonly bool _asRoot;
    private readonly bool _durable;
    private bool _deleted;

    private PostgresInstance(string root, bool asRoot, bool durable, int port)
    {
        _root = root;
        _asRoot = asRoot;
        _durable = durable;
        Port = port;
    }

    public int Port { get; }

    /// <summary>To the <c>postgres</c> database, for creating test databases.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    /// <summary>Initialises a data directory and starts the server on a free port.</summary>
    /// <param name="durable">False turns fsync off (fast, for tests that never crash the database itself).</param>
    public static async Task<PostgresInstance> StartAsync(bool durable, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(PgBin, "initdb")))
        {
            throw new InvalidOperationException(
                $"No PostgreSQL binaries in {PgBin} and {PostgresTestDatabase.ServerVariable} is not set.");
        }

        var root = Directory.CreateTempSubdirectory("md-pg-").FullName;
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // The server refuses to run as root: hand the directory to the postgres user and run as it.
            await RunAsync("chown", ["postgres:postgres", root], root, asPostgres: false, cancellationToken);
        }

        await RunAsync(Path.Combine(PgBin, "initdb"),
            ["-D", Path.Combine(root, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            root, asRoot, cancellationToken);

        // A free port can be taken by another process between probing and binding: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var instance = new PostgresInstance(root, asRoot, durable, TestPorts.FreePorts(1)[0]);
            try
            {
                await instance.StartAsync(cancellationToken);
                return instance;
            }
            catch (InvalidOperationException) when (attempt < 4)
            {
            }
        }
    }

    /// <summary>Starts the (stopped) server again on the same port and data.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        var settings = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_root} -c max_connections=200";
        if (!_durable)
        {
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        return RunAsync(Path.Combine(PgBin, "pg_ctl"),
            ["-D", Path.Combine(_root, "data"), "-l", Path.Combine(_root, "server.log"), "-w", "-t", "30", "-o", settings, "start"],
            _root, _asRoot, cancellationToken);
    }

    /// <summary>Stops the server at once (connections are cut, as when a database host goes away).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        RunAsync(Path.Combine(PgBin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], _root, _asRoot, cancellationToken);

    public ValueTask DisposeAsync()
    {
        StopAndDelete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops the server and removes its directory; safe to call more than once, and at process exit.</summary>
    public void StopAndDelete()
    {
        if (_deleted)
        {
            return;
        }

        _deleted = true;
        try
        {
            NpgsqlConnection.ClearAllPools();
            // One detached shell stops the server and removes its directory, so the clean-up finishes even
            // when the test host is torn down before this handler returns.
            var stop = new ProcessStartInfo { FileName = "sh", UseShellExecute = false };
            foreach (var argument in (string[])
                     [
                         "-c", "$1 \"$2\" -D \"$3/data\" -m immediate -w stop >/dev/null 2>&1; rm -rf \"$3\"", "sh",
                         _asRoot ? "runuser -u postgres --" : "", Path.Combine(PgBin, "pg_ctl"), _root,
                     ])
            {
                stop.ArgumentList.Add(argument);
            }

            using var process = Process.Start(stop);
            process?.WaitForExit(10_000);
        }
        catch (Exception)
        {
            // Best effort at process exit.
        }
    }

    private static async Task RunAsync(string program, string[] arguments, string workingDirectory, bool asPostgres, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : program,
            WorkingDirectory = workingDirectory, // postgres must be able to read its working directory
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", program])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
