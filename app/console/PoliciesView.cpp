#include "PoliciesView.h"

#include "ExceptionsPanel.h"
#include "PolicyEditor.h"
#include "RulesPanel.h"

#include <QTabWidget>
#include <QVBoxLayout>

namespace yagura::console {

PoliciesView::PoliciesView(ServerConnection* connection, QWidget* parent) : QWidget(parent) {
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("policyTabs"));
    m_editor = new PolicyEditor(connection);
    m_rules = new RulesPanel(connection);
    m_exceptions = new ExceptionsPanel(connection);
    m_tabs->addTab(m_editor, tr("Groups and policies"));
    m_tabs->addTab(m_rules, tr("Rules"));
    m_tabs->addTab(m_exceptions, tr("Exceptions"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 12);
    layout->addWidget(m_tabs);
    // Rules switched on or off give policies a new version: show it.
    connect(m_rules, &RulesPanel::rulesChanged, m_editor, &PolicyEditor::refresh);
    connect(m_rules, &RulesPanel::importFinished, m_editor, [this] { m_editor->refresh(); });
}

void PoliciesView::refresh() {
    m_editor->refresh();
    m_rules->refresh();
    m_exceptions->refresh();
}

} // namespace yagura::console
