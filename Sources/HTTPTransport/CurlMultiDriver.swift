import CCurl

/// The body of the multi thread: owns the `curl_multi` handle (and with it the connection
/// cache), the transfers in flight and a pool of idle easy handles. Created and used only on
/// that thread, so none of its state is shared.
final class CurlMultiDriver {
    private static let maxIdleHandles = 16
    private static let pollMilliseconds: Int32 = 1000

    private let settings: CurlClientSettings
    private let loop: CurlMultiLoop
    private var transfersByHandle: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var transfersByTicket: [ObjectIdentifier: CurlTransfer] = [:]
    private var idleHandles: [CurlEasyHandle] = []

    init(settings: CurlClientSettings, loop: CurlMultiLoop) {
        self.settings = settings
        self.loop = loop
    }

    func run() {
        guard let multi = curl_multi_init() else {
            for case .start(let submission) in loop.markUnavailable(reason: "curl_multi_init failed") {
                submission.sink.fail(.other(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_multi_init failed"))
            }
            return
        }
        if settings.maxConnectionsPerHost > 0 {
            _ = tl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, settings.maxConnectionsPerHost)
        }
        loop.publish(multi: multi)

        while let commands = loop.takeCommands(hasActiveTransfers: !transfersByHandle.isEmpty) {
            for command in commands {
                handle(command, multi: multi)
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            collectFinishedTransfers(multi: multi)
            _ = curl_multi_poll(multi, nil, 0, Self.pollMilliseconds, nil)
        }

        idleHandles.removeAll()
        curl_multi_cleanup(multi)
    }

    private func handle(_ command: LoopCommand, multi: UnsafeMutableRawPointer) {
        switch command {
        case .start(let submission):
            start(submission, multi: multi)
        case .cancel(let ticket):
            guard let transfer = transfersByTicket[ObjectIdentifier(ticket)] else { return }
            detach(transfer, multi: multi)
            transfer.finish(.failure(.cancelled))
        case .resume(let ticket):
            guard let transfer = transfersByTicket[ObjectIdentifier(ticket)] else { return }
            _ = curl_easy_pause(transfer.easy.raw, CURLPAUSE_CONT)
        }
    }

    private func start(_ submission: TransferSubmission, multi: UnsafeMutableRawPointer) {
        if submission.ticket.isCancelled {
            submission.sink.fail(.cancelled)
            return
        }
        guard let easy = idleHandles.popLast() ?? CurlEasyHandle() else {
            submission.sink.fail(.other(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed"))
            return
        }
        easy.prepareForReuse()
        let transfer = CurlTransfer(easy: easy, submission: submission)
        do {
            try transfer.configure(settings: settings)
        } catch {
            transfer.finish(.failure(error))
            recycle(easy)
            return
        }
        let code = curl_multi_add_handle(multi, easy.raw)
        guard code == CURLM_OK else {
            let message = curl_multi_strerror(code).map { String(cString: $0) } ?? "curl_multi_add_handle failed"
            transfer.finish(.failure(.other(code: Int(code.rawValue), message: message)))
            recycle(easy)
            return
        }
        transfersByHandle[easy.raw] = transfer
        transfersByTicket[ObjectIdentifier(submission.ticket)] = transfer
    }

    private func collectFinishedTransfers(multi: UnsafeMutableRawPointer) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE,
                let handle = message.pointee.easy_handle,
                let transfer = transfersByHandle[handle]
            else { continue }
            let result = tl_multi_message_result(message)
            detach(transfer, multi: multi)
            transfer.complete(result: result)
        }
    }

    /// Takes the transfer off the multi handle (closing its connection if it was mid-transfer)
    /// and returns its easy handle to the pool.
    private func detach(_ transfer: CurlTransfer, multi: UnsafeMutableRawPointer) {
        _ = curl_multi_remove_handle(multi, transfer.easy.raw)
        transfersByHandle[transfer.easy.raw] = nil
        transfersByTicket[ObjectIdentifier(transfer.ticket)] = nil
        recycle(transfer.easy)
    }

    private func recycle(_ easy: CurlEasyHandle) {
        if idleHandles.count < Self.maxIdleHandles {
            idleHandles.append(easy)
        }
    }
}
