// Batches: prompts files in both forms, shards, run folder names, and a real batch of tiny runs — a
// failed job is logged and the batch goes on, a re-run skips finished runs and resumes a stopped one.
import Foundation
import Testing
@testable import Dream3D

private func temporaryFile(_ name: String, _ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-\(UUID().uuidString)-\(name)")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}

@Suite struct BatchTests {
    @Test func textAndYAMLFilesGiveTheirJobs() throws {
        let text = try temporaryFile("prompts.txt", "a red chair\n\n# a comment\n  a blue mug  \n")
        defer { try? FileManager.default.removeItem(at: text) }
        #expect(try readBatchJobs(text) == [BatchJob(prompt: "a red chair"), BatchJob(prompt: "a blue mug")])

        let yaml = try temporaryFile("jobs.yaml", """
            - a red chair
            - prompt: a duck
              method: sjc
              seed: 3
              set: [steps=10]
              name: duck-sjc
            - prompt: a mug
              set: {sds.guidanceScale: 30}
            """)
        defer { try? FileManager.default.removeItem(at: yaml) }
        #expect(try readBatchJobs(yaml) == [
            BatchJob(prompt: "a red chair"),
            BatchJob(prompt: "a duck", overrides: ["method=sjc", "seed=3", "steps=10"], name: "duck-sjc"),
            BatchJob(prompt: "a mug", overrides: ["sds.guidanceScale=30"]),
        ])
    }

    @Test func badFilesAndShardsAreNamed() throws {
        let empty = try temporaryFile("empty.txt", "# nothing\n\n")
        let unknownKey = try temporaryFile("bad.yaml", "- prompt: a duck\n  colour: red\n")
        let notAList = try temporaryFile("map.yaml", "prompt: a duck\n")
        defer { for f in [empty, unknownKey, notAList] { try? FileManager.default.removeItem(at: f) } }
        #expect(throws: BatchError.noJobs(path: empty.path)) { try readBatchJobs(empty) }
        #expect(throws: BatchError.badJob(path: unknownKey.path, job: 0, reason: "unknown key colour")) { try readBatchJobs(unknownKey) }
        #expect(throws: BatchError.unreadable(path: notAList.path, reason: "expected a YAML list of jobs")) { try readBatchJobs(notAList) }
        let missing = URL(fileURLWithPath: "/nonexistent/prompts.txt")
        #expect { try readBatchJobs(missing) } throws: { ($0 as? BatchError).map { "\($0)".contains(missing.path) } ?? false }
        for text in ["3/3", "-1/2", "1", "a/b", "1/0"] {
            #expect(throws: BatchError.badShard(text)) { try BatchShard(parsing: text) }
        }
        let shard = try BatchShard(parsing: "1/3")
        #expect((0..<8).filter(shard.contains) == [1, 4, 7])
    }

    @Test func repeatedPromptsGetNumberedFolders() {
        let jobs = [BatchJob(prompt: "a red chair"), BatchJob(prompt: "A red chair!"), BatchJob(prompt: "a mug", name: "cup"),
                    BatchJob(prompt: "a red chair")]
        #expect(batchRunNames(jobs) == ["a-red-chair", "a-red-chair-2", "cup", "a-red-chair-3"])
    }

    @Test func aBatchLogsFailuresGoesOnAndFinishesWhenRunAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = tinyConfiguration(steps: 6)
        configuration.logEvery = 2
        configuration.checkpointEvery = 2
        configuration.meshResolution = 32
        configuration.meshThreshold = 5
        let jobs = [BatchJob(prompt: "a sphere"), BatchJob(prompt: "a sphere", overrides: ["sds.guidanceScale=oops"]),
                    BatchJob(prompt: "a sphere", overrides: ["seed=5"])]
        func runner() -> BatchRunner<AnalyticPrior> {
            BatchRunner(jobs: jobs, configuration: configuration, prior: tinyAnalyticPrior(), guidance: "builtin", model: nil, folder: folder)
        }

        // First pass, stopped during the last job: the bad job is logged as failed and the batch went on.
        var polls = 0, started: [Int] = []
        let first = try runner().run(starting: { index, _, _ in started.append(index); polls = 0 },
                                     shouldStop: { polls += 1; return started.last == 2 && polls > 3 })
        #expect(first.map(\.status) == [.finished, .failed, .interrupted])
        #expect(first[1].error?.contains("sds.guidanceScale") == true)
        let names = batchRunNames(jobs)
        #expect(RunFolder(folder.appendingPathComponent(names[0])).isFinished)
        #expect(!RunFolder(folder.appendingPathComponent(names[2])).isFinished)
        let finishedMesh = try Data(contentsOf: RunFolder(folder.appendingPathComponent(names[0])).meshOBJ)

        // Second pass: the finished run is skipped (its files untouched), the stopped one resumed to the end.
        let second = try runner().run()
        #expect(second.map(\.status) == [.skipped, .failed, .finished])
        #expect(try Data(contentsOf: RunFolder(folder.appendingPathComponent(names[0])).meshOBJ) == finishedMesh)
        let resumed = RunFolder(folder.appendingPathComponent(names[2]))
        #expect(resumed.isFinished)
        #expect(try readRun(resumed).configuration.seed == 5)

        // The resumed run ends as a straight run of the same job does.
        let straightFolder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-batch-straight-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: straightFolder) }
        _ = try BatchRunner(jobs: [jobs[2]], configuration: configuration, prior: tinyAnalyticPrior(), guidance: "builtin", model: nil,
                            folder: straightFolder).run()
        let straight = RunFolder(straightFolder.appendingPathComponent(names[0]))
        #expect(try Data(contentsOf: straight.checkpoint) == Data(contentsOf: resumed.checkpoint))

        let log = try String(contentsOf: runner().log, encoding: .utf8).split(separator: "\n")
        let statuses = try log.map { try JSONDecoder().decode(BatchRecord.self, from: Data($0.utf8)).status }
        #expect(statuses == [.finished, .failed, .interrupted, .skipped, .failed, .finished])
    }
}
