#pragma once

#include "ServerConnection.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
QT_END_NAMESPACE

namespace yagura::console {

// Agent groups and their policies: the groups with the version each runs and how many agents
// applied it; for the selected group the policy's form (rule packs, watched paths, ransomware
// thresholds, spool budget, retention), its version history with a line diff against the
// version before, and the applied version per agent. Saving checks the form first, then the
// server validates again; a policy changed by someone else meanwhile is refused, not
// overwritten. Read-only for roles that may not edit.
class PolicyEditor : public QWidget {
    Q_OBJECT

public:
    explicit PolicyEditor(ServerConnection* connection, QWidget* parent = nullptr);

    void refresh();
    // For tests.
    QString selectedGroup() const;
    void selectGroup(const QString& name);
    quint64 loadedVersion() const { return m_loaded.version(); }
    // The spec the form holds now, or an error for the operator.
    std::optional<proto::PolicySpec> formSpec(QString* problem) const;

public slots:
    void save();

signals:
    void groupsLoaded();
    void policyLoaded();
    void saved(quint64 version);
    void failed(const QString& message);

private:
    void loadGroups();
    void loadPolicy(const QString& group);
    void loadHistory(const QString& group);
    void loadAgents(const QString& group);
    void showDiff();
    void fillForm(const proto::PolicySpec& spec);
    void createGroup();
    void moveAgents();
    void setStatus(const QString& text, bool error);

    ServerConnection* m_connection;
    QTableWidget* m_groups;
    QListWidget* m_packs;
    QPlainTextEdit* m_fimPaths;
    QCheckBox* m_ransomwareEnabled;
    QSpinBox* m_window;
    QSpinBox* m_minFiles;
    QDoubleSpinBox* m_entropy;
    QSpinBox* m_notes;
    QSpinBox* m_spoolBudget;
    QSpinBox* m_retention;
    QLineEdit* m_comment;
    QPushButton* m_save;
    QLabel* m_status;
    QListWidget* m_history;
    QPlainTextEdit* m_diff;
    QTableWidget* m_agents;
    proto::PolicyRecord m_loaded;
    std::vector<proto::PolicyRecord> m_versions;
    QStringList m_disabledRules; // kept as loaded (per-group switches: yagura-ctl policy set)
};

} // namespace yagura::console
