#include "ResponseDialog.h"

#include "CommandsModel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace yagura::console {

ResponseDialog::ResponseDialog(ServerConnection* connection, const QString& hostname,
                               proto::CreateCommandRequest request, QWidget* parent)
    : QDialog(parent), m_connection(connection), m_request(std::move(request)) {
    setObjectName(QStringLiteral("responseDialog"));
    setWindowTitle(tr("%1 on %2").arg(CommandsModel::actionText(m_request.action()), hostname));
    auto* form = new QFormLayout;
    auto* target = new QLabel(hostname.toHtmlEscaped(), this);
    form->addRow(tr("Host:"), target);
    if (m_request.action() == proto::QUARANTINE || (m_request.action() == proto::COLLECT)) {
        m_path = new QLineEdit(this);
        m_path->setObjectName(QStringLiteral("responsePath"));
        m_path->setPlaceholderText(tr("Absolute path of the file on the host"));
        m_path->setText(QString::fromStdString(m_request.action() == proto::QUARANTINE
                                                   ? m_request.quarantine().path()
                                                   : m_request.collect().path()));
        connect(m_path, &QLineEdit::editingFinished, this, &ResponseDialog::loadPreview);
    }
    if (m_request.action() == proto::COLLECT) {
        m_kind = new QComboBox(this);
        m_kind->setObjectName(QStringLiteral("responseKind"));
        m_kind->addItem(tr("Process list"), QStringLiteral("processes"));
        m_kind->addItem(tr("Network connections"), QStringLiteral("connections"));
        m_kind->addItem(tr("File hashes and metadata"), QStringLiteral("file_info"));
        m_kind->addItem(tr("The file itself (up to 8 MiB)"), QStringLiteral("file"));
        m_kind->setCurrentIndex(
            std::max(0, m_kind->findData(QString::fromStdString(m_request.collect().kind()))));
        form->addRow(tr("Collect:"), m_kind);
        connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
            m_path->setEnabled(m_kind->currentData().toString().startsWith(QLatin1String("file")));
            loadPreview();
        });
    }
    if (m_path) {
        form->addRow(tr("File:"), m_path);
        if (m_kind)
            m_path->setEnabled(m_kind->currentData().toString().startsWith(QLatin1String("file")));
    }
    m_preview = new QPlainTextEdit(this);
    m_preview->setObjectName(QStringLiteral("responsePreview"));
    m_preview->setReadOnly(true);
    m_preview->setMinimumSize(640, 220);
    m_preview->setPlainText(tr("Asking the server what this will do…"));
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("responseReason"));
    m_reason->setPlaceholderText(tr("Why (required; recorded in the audit log)"));
    m_reason->setMaxLength(500);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("responseError"));
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_error->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)
        ->setText(tr("%1 now").arg(CommandsModel::actionText(m_request.action())));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("What will happen:"), this));
    layout->addWidget(m_preview, 1);
    layout->addWidget(new QLabel(tr("Reason:"), this));
    layout->addWidget(m_reason);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_reason, &QLineEdit::textChanged, this, &ResponseDialog::updateButtons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ResponseDialog::confirm);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateButtons();
    loadPreview();
}

void ResponseDialog::applyParameters() {
    if (m_request.action() == proto::QUARANTINE && m_path)
        m_request.mutable_quarantine()->set_path(m_path->text().trimmed().toStdString());
    if (m_request.action() == proto::COLLECT) {
        m_request.mutable_collect()->set_kind(m_kind->currentData().toString().toStdString());
        m_request.mutable_collect()->set_path(
            m_path->isEnabled() ? m_path->text().trimmed().toStdString() : std::string());
    }
}

void ResponseDialog::updateButtons() {
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!m_busy && m_previewOk && !m_reason->text().trimmed().isEmpty());
}

void ResponseDialog::loadPreview() {
    applyParameters();
    proto::OperatorRequest request;
    *request.mutable_create_command() = m_request;
    request.mutable_create_command()->set_preview_only(true);
    m_previewOk = false;
    updateButtons();
    m_connection->call(request, this, [this](const CallResult& result) {
        if (!result.ok()) {
            m_preview->setPlainText(result.error);
            m_error->setText(result.error);
            m_previewOk = false;
        } else {
            m_preview->setPlainText(describe(result.response->create_command()));
            m_error->clear();
            m_previewOk = true;
        }
        updateButtons();
    });
}

QString ResponseDialog::describe(const proto::CreateCommandResponse& preview) const {
    // Said in the console's language from what the server will send; for an isolation the
    // server's nftables rules follow, as they will be applied.
    const proto::Command& command = preview.command().command();
    const auto q = [](const std::string& text) {
        return QString::fromStdString(text);
    };
    QStringList lines;
    switch (command.action()) {
    case proto::ISOLATE: {
        const auto& spec = command.isolation();
        lines << tr("Allowed: loopback (this host to itself)");
        for (const auto& address : spec.server_addresses())
            lines << tr("Allowed: the agent's connection to the site server %1 tcp/%2")
                         .arg(q(address))
                         .arg(spec.server_port());
        lines << tr("Allowed: IPv6 neighbour discovery (needed to reach any IPv6 address)");
        if (spec.allow_dns())
            lines << tr("Allowed: DNS queries (tcp and udp port 53) to the host's own resolvers");
        if (spec.allow_dhcp())
            lines << tr("Allowed: DHCP and DHCPv6 address leases");
        for (const auto& flow : spec.allow()) {
            QString line = flow.direction() == "outbound" ? tr("Allowed: this host to %1 %2/%3")
                                                          : tr("Allowed: %1 to this host's %2/%3");
            line = line.arg(q(flow.address()), q(flow.protocol())).arg(flow.port());
            if (!flow.comment().empty())
                line += QStringLiteral(" (%1)").arg(q(flow.comment()));
            lines << line;
        }
        lines << tr("Blocked: everything else, IPv4 and IPv6, in, out and forwarded, including "
                    "connections already open");
        lines << (spec.safe_apply()
                      ? tr("Safe apply: rolled back unless the agent reaches the server within "
                           "%1 s")
                            .arg(spec.safe_apply_seconds())
                      : tr("Safe apply: off (stays in force even if the server is lost)"));
        lines << tr("Checked every %1 s and restored (with an alert) if changed; kept across "
                    "reboots")
                     .arg(spec.check_seconds());
        const QString server = q(preview.preview());
        const qsizetype rules = server.indexOf(QStringLiteral("table inet"));
        if (rules >= 0)
            lines << QString() << tr("nftables rules:") << server.mid(rules).trimmed();
        break;
    }
    case proto::RELEASE:
        lines << tr("Removes Yagura's isolation table (and nothing else): the host's own "
                    "firewall stays as it is.");
        break;
    case proto::KILL:
        lines << (command.kill().tree()
                      ? tr("Kills process %1 (started at tick %2) and every process below it.")
                      : tr("Kills process %1 (started at tick %2). A process that reuses the id "
                           "is left alone."))
                     .arg(command.kill().pid())
                     .arg(command.kill().start_ticks());
        break;
    case proto::QUARANTINE:
        lines << tr("Moves %1 into the host's encrypted quarantine; it can be restored with its "
                    "owner and mode.")
                     .arg(q(command.quarantine().path()));
        break;
    case proto::RESTORE:
        lines << tr("Puts quarantined file %1 back where it was; nothing is overwritten.")
                     .arg(q(command.restore().quarantine_id()));
        break;
    case proto::COLLECT:
        lines << tr("Collects %1 and stores it on the server.")
                     .arg(m_kind ? m_kind->currentText() : q(command.collect().kind()));
        break;
    default:
        break;
    }
    return lines.join(QLatin1Char('\n'));
}

void ResponseDialog::confirm() {
    applyParameters();
    proto::OperatorRequest request;
    *request.mutable_create_command() = m_request;
    request.mutable_create_command()->set_reason(m_reason->text().trimmed().toStdString());
    m_busy = true;
    updateButtons();
    m_connection->call(request, this, [this](const CallResult& result) {
        m_busy = false;
        if (!result.ok()) {
            m_error->setText(result.error);
            updateButtons();
            return;
        }
        m_created = result.response->create_command().command();
        emit commandCreated(m_created);
        accept();
    });
}

} // namespace yagura::console
